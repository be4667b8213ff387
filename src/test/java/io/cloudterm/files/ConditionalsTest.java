package io.cloudterm.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.files.Conditionals.Outcome;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConditionalsTest {

    private static final Representation FILE = new Representation(10, "\"v2\"", Instant.parse("2026-01-02T03:04:05Z"),
            "text/plain; charset=utf-8", Optional.empty(), "no-cache", new Body.MemoryBody(ByteBuffer.allocate(10)));
    private static final String AT = "Fri, 02 Jan 2026 03:04:05 GMT";
    private static final String BEFORE = "Fri, 02 Jan 2026 03:04:04 GMT";
    private static final String AFTER = "Fri, 02 Jan 2026 03:04:06 GMT";

    @Test
    void ifNoneMatchWithTheCurrentTagIsNotModified() {
        assertEquals(Outcome.NOT_MODIFIED, noneMatch("\"v2\"").evaluate(FILE));
        assertEquals(Outcome.NOT_MODIFIED, noneMatch("\"v1\", W/\"v2\"").evaluate(FILE), "weak comparison");
        assertEquals(Outcome.NOT_MODIFIED, noneMatch("*").evaluate(FILE));
        assertEquals(Outcome.PROCEED, noneMatch("\"v1\"").evaluate(FILE));
        assertEquals(Outcome.PROCEED, noneMatch("\"v2").evaluate(FILE), "an unterminated tag matches nothing");
    }

    @Test
    void ifModifiedSinceAtOrAfterTheFileIsNotModified() {
        assertEquals(Outcome.NOT_MODIFIED, modifiedSince(AT).evaluate(FILE));
        assertEquals(Outcome.NOT_MODIFIED, modifiedSince(AFTER).evaluate(FILE));
        assertEquals(Outcome.PROCEED, modifiedSince(BEFORE).evaluate(FILE));
        assertEquals(Outcome.PROCEED, modifiedSince("yesterday").evaluate(FILE), "a date that is none is ignored");
    }

    @Test
    void ifNoneMatchOutranksIfModifiedSince() {
        Conditionals both = new Conditionals(List.of(), Optional.empty(), List.of("\"v1\""), Optional.of(AFTER), Optional.empty());
        assertEquals(Outcome.PROCEED, both.evaluate(FILE));
    }

    @Test
    void ifMatchWithAnotherTagFailsAndWeakTagsNeverMatch() {
        assertEquals(Outcome.PRECONDITION_FAILED, match("\"v1\"").evaluate(FILE));
        assertEquals(Outcome.PRECONDITION_FAILED, match("W/\"v2\"").evaluate(FILE));
        assertEquals(Outcome.PROCEED, match("\"v1\", \"v2\"").evaluate(FILE));
        assertEquals(Outcome.PROCEED, match("*").evaluate(FILE));
    }

    @Test
    void ifUnmodifiedSinceBeforeTheFileFails() {
        assertEquals(Outcome.PRECONDITION_FAILED, unmodifiedSince(BEFORE).evaluate(FILE));
        assertEquals(Outcome.PROCEED, unmodifiedSince(AT).evaluate(FILE));
        Conditionals matchFirst = new Conditionals(List.of("\"v2\""), Optional.of(BEFORE), List.of(), Optional.empty(), Optional.empty());
        assertEquals(Outcome.PROCEED, matchFirst.evaluate(FILE), "If-Match present: If-Unmodified-Since is not evaluated");
    }

    @Test
    void ifRangeNamesTheCurrentRepresentationExactly() {
        assertTrue(ifRange("\"v2\"").rangeApplies(FILE));
        assertFalse(ifRange("\"v1\"").rangeApplies(FILE));
        assertFalse(ifRange("W/\"v2\"").rangeApplies(FILE));
        assertTrue(ifRange(AT).rangeApplies(FILE));
        assertFalse(ifRange(AFTER).rangeApplies(FILE));
        assertFalse(ifRange("garbage").rangeApplies(FILE));
        assertTrue(new Conditionals(List.of(), Optional.empty(), List.of(), Optional.empty(), Optional.empty()).rangeApplies(FILE));
    }

    @Test
    void aCommaMayStandInsideATag() {
        assertEquals(List.of("\"a,b\"", "W/\"c\"", "*"), Conditionals.tags("\"a,b\", W/\"c\",*"));
    }

    private static Conditionals noneMatch(String value) {
        return new Conditionals(List.of(), Optional.empty(), List.of(value), Optional.empty(), Optional.empty());
    }

    private static Conditionals modifiedSince(String value) {
        return new Conditionals(List.of(), Optional.empty(), List.of(), Optional.of(value), Optional.empty());
    }

    private static Conditionals match(String value) {
        return new Conditionals(List.of(value), Optional.empty(), List.of(), Optional.empty(), Optional.empty());
    }

    private static Conditionals unmodifiedSince(String value) {
        return new Conditionals(List.of(), Optional.of(value), List.of(), Optional.empty(), Optional.empty());
    }

    private static Conditionals ifRange(String value) {
        return new Conditionals(List.of(), Optional.empty(), List.of(), Optional.empty(), Optional.of(value));
    }
}
