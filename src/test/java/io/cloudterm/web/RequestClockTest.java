package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.config.ServerConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The request clock's rules, on a clock the test moves by hand. */
class RequestClockTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final RequestClock clock = new RequestClock(new ServerConfig.HttpLimits(Duration.ofSeconds(10),
            Duration.ofSeconds(30)), now::get, now.get() + 10 * SECOND);

    @Test
    void headersAreDueWithinTheHeaderTimeoutOfTheAccept() {
        assertTrue(clock.beforeRead());
        now.addAndGet(9 * SECOND);
        assertNull(clock.expireIfOverdue());
        now.addAndGet(SECOND);
        assertEquals(RequestClock.Phase.HEADERS, clock.expireIfOverdue());
        assertFalse(clock.beforeRead(), "an expired connection reads no more");
    }

    @Test
    void aBodyHasTheBodyTimeoutFromItsLastHeader() {
        clock.beforeRead();
        clock.afterRead(true);
        now.addAndGet(9 * SECOND);
        clock.headersRead(true, false, false);
        clock.beforeRead();
        now.addAndGet(29 * SECOND);
        assertNull(clock.expireIfOverdue());
        now.addAndGet(SECOND);
        assertEquals(RequestClock.Phase.BODY, clock.expireIfOverdue());
    }

    @Test
    void anUploadThatKeepsMovingHasNoTotalDeadlineButOneThatStallsIsLate() {
        clock.beforeRead();
        clock.afterRead(true);
        clock.headersRead(true, false, false, true);
        for (int i = 0; i < 10; i++) { // five minutes of a slow but moving upload
            now.addAndGet(29 * SECOND);
            clock.beforeRead();
            assertNull(clock.expireIfOverdue(), "after " + (i + 1) * 29 + " s");
            clock.afterRead(RequestClock.PROGRESS_BYTES);
        }
        clock.beforeRead();
        clock.afterRead(RequestClock.PROGRESS_BYTES - 1); // a trickle earns no more time
        now.addAndGet(30 * SECOND);
        clock.beforeRead();
        assertEquals(RequestClock.Phase.BODY, clock.expireIfOverdue());
    }

    @Test
    void aSmallBodyGetsNoMoreTimeForItsBytes() {
        clock.beforeRead();
        clock.afterRead(true);
        clock.headersRead(true, false, false);
        now.addAndGet(29 * SECOND);
        clock.beforeRead();
        clock.afterRead(RequestClock.PROGRESS_BYTES);
        now.addAndGet(SECOND);
        clock.beforeRead();
        assertEquals(RequestClock.Phase.BODY, clock.expireIfOverdue());
    }

    @Test
    void onlyAWaitOnTheClientCanBeOverdue() {
        clock.beforeRead();
        clock.afterRead(true);
        now.addAndGet(60 * SECOND); // a slow handler, or a response being written
        assertNull(clock.expireIfOverdue());
    }

    @Test
    void theNextRequestGetsAFreshHeaderTimeoutAfterTheResponse() {
        clock.beforeRead();
        clock.afterRead(true);
        clock.headersRead(false, false, false);
        now.addAndGet(60 * SECOND);
        clock.responding(false);
        assertTrue(clock.beforeRead());
        assertFalse(clock.midRequest(), "nothing of the next request has come yet");
        now.addAndGet(9 * SECOND);
        assertNull(clock.expireIfOverdue());
        now.addAndGet(SECOND);
        assertEquals(RequestClock.Phase.HEADERS, clock.expireIfOverdue());
    }

    @Test
    void aWebSocketHasNoDeadline() {
        clock.headersRead(false, true, false);
        clock.beforeRead();
        now.addAndGet(3_600 * SECOND);
        assertNull(clock.expireIfOverdue());
    }

    @Test
    void aRefusedUpgradeIsPlainHttpAgain() {
        clock.headersRead(false, true, false);
        clock.responding(false);
        assertTrue(clock.beforeRead());
        now.addAndGet(10 * SECOND);
        assertEquals(RequestClock.Phase.HEADERS, clock.expireIfOverdue());
    }

    @Test
    void connectionCloseEndsTheConnectionAfterTheResponse() {
        clock.headersRead(false, false, true);
        clock.responding(false);
        assertFalse(clock.beforeRead());
    }
}
