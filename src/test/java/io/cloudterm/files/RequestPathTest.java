package io.cloudterm.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathTest {

    @Test
    void namesAreDecodedOnceAsUtf8() {
        RequestPath.Names names = assertInstanceOf(RequestPath.Names.class, RequestPath.parse("build%20logs/caf%C3%A9.txt", false));
        assertEquals(List.of("build logs", "café.txt"), names.names());
        assertEquals(false, names.directory());
    }

    @Test
    void aFinalSlashNamesADirectory() {
        RequestPath.Names names = assertInstanceOf(RequestPath.Names.class, RequestPath.parse("releases/", false));
        assertEquals(List.of("releases"), names.names());
        assertEquals(true, names.directory());
        assertEquals(new RequestPath.Names(List.of(), true), RequestPath.parse("", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../etc/passwd", "a/../../b", "%2e%2e/x", "%2E%2E", ".%2e", "a/%2e", ".",
            "a%2fb", "a%2Fb", "%2f", "a%5cb", "%5c..%5c", "a//b", "%00", "a%00.txt", "%0a", "%7f",
            "%252e%252e", "%25", "a%2500", ".env", "a/.git/config", ".%2fx"})
    void escapesDotNamesAndDoubleEncodingsNameNothing(String raw) {
        assertInstanceOf(RequestPath.Refused.class, RequestPath.parse(raw, false), raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%2", "%zz", "a%g1", "%c0%ae", "%c0%af", "%e0%80%ae", "%c0%2e", "%ed%a0%80",
            "%ff", "%c3", "%f4%90%80%80", "a\\b", "a b", "a\tb", "caf\u00e9", "%\u0661\u0661"})
    void brokenEscapesRawBytesAndOverlongUtf8AreNotPaths(String raw) {
        assertInstanceOf(RequestPath.Malformed.class, RequestPath.parse(raw, false), raw);
    }

    @Test
    void hiddenNamesOnlyWhenAllowedAndDotSegmentsNever() {
        assertInstanceOf(RequestPath.Names.class, RequestPath.parse(".well-known/x", true));
        assertInstanceOf(RequestPath.Refused.class, RequestPath.parse("..", true));
        assertInstanceOf(RequestPath.Refused.class, RequestPath.parse("%2e%2e", true));
    }
}
