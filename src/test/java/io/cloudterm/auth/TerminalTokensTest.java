package io.cloudterm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TerminalTokensTest {

    /** A clock the test moves. */
    private static final class Hands extends Clock {
        Instant now = Instant.parse("2026-11-23T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final Hands clock = new Hands();
    private final TerminalTokens tokens = new TerminalTokens(Duration.ofMinutes(5), clock);
    private final Principal alice = new Principal("alice");

    @Test
    void aTokenIsValidForItsPrincipalUntilItExpires() {
        String token = tokens.issue(alice);
        assertTrue(tokens.valid(token, alice));
        assertFalse(tokens.valid(token, new Principal("bob")), "bound to whoever fetched it");
        assertFalse(tokens.valid(token + "x", alice));
        assertFalse(tokens.valid("", alice));
        assertFalse(tokens.valid(null, alice));
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertTrue(tokens.valid(token, alice), "still valid at its last instant");
        clock.now = clock.now.plusMillis(1);
        assertFalse(tokens.valid(token, alice), "expired");
    }

    @Test
    void expiredTokensAreDroppedWhenNewOnesAreIssuedAndLiveOnesKept() {
        for (int i = 0; i < 1000; i++) {
            tokens.issue(alice);
            clock.now = clock.now.plusMillis(300); // 1,000 over 5 minutes: all still valid
        }
        String young = tokens.issue(alice);
        assertEquals(1001, tokens.outstanding());
        clock.now = clock.now.plus(Duration.ofMinutes(3)); // the first ~600 have expired now
        String fresh = tokens.issue(alice);
        int kept = tokens.outstanding();
        assertTrue(kept < 450 && kept > 350, "expired tokens dropped, the rest kept: " + kept);
        assertTrue(tokens.valid(young, alice));
        assertTrue(tokens.valid(fresh, alice));
        clock.now = clock.now.plus(Duration.ofMinutes(10));
        tokens.issue(alice);
        assertEquals(1, tokens.outstanding());
    }
}
