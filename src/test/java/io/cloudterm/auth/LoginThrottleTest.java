package io.cloudterm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets per address and per user name, with a bounded number of keys. */
class LoginThrottleTest {

    private static final LoginThrottle.Limit PER_ADDRESS = new LoginThrottle.Limit(10, Duration.ofSeconds(6));
    private static final LoginThrottle.Limit PER_USER = new LoginThrottle.Limit(5, Duration.ofSeconds(12));

    private final AtomicLong nanos = new AtomicLong(-123_456_789); // nanoTime may be negative
    private final LoginThrottle throttle = new LoginThrottle(PER_ADDRESS, PER_USER, 1_000, nanos::get);

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private static InetAddress ip(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Wrong guesses: each allowed attempt is reported as failed, as the authenticator does. */
    private int allowedOf(int attempts, InetAddress client, String user) {
        int allowed = 0;
        for (int i = 0; i < attempts; i++) {
            if (throttle.attempt(client, user).allowed()) {
                throttle.failed(client, user);
                allowed++;
            }
        }
        return allowed;
    }

    @Test
    void anAddressMayTryItsBurstAtOnceAndNoMore() {
        for (int i = 0; i < 10; i++) {
            assertTrue(throttle.attempt(ip(1), "user" + i).allowed(), "attempt " + i);
        }
        assertFalse(throttle.attempt(ip(1), "user10").allowed());
        assertTrue(throttle.attempt(ip(2), "user10").allowed(), "another address has its own bucket");
    }

    @Test
    void tokensComeBackAtTheRefillRate() {
        assertEquals(10, allowedOfNames(20, ip(1)));
        advance(Duration.ofSeconds(5));
        assertFalse(throttle.attempt(ip(1), "late").allowed(), "a token takes 6 s");
        advance(Duration.ofSeconds(1));
        assertTrue(throttle.attempt(ip(1), "late").allowed());
        assertFalse(throttle.attempt(ip(1), "later").allowed(), "one token, not more");
        advance(Duration.ofMinutes(10));
        assertEquals(10, allowedOfNames(20, ip(1)), "a long rest refills only up to the burst");
    }

    private int allowedOfNames(int attempts, InetAddress client) {
        int allowed = 0;
        for (int i = 0; i < attempts; i++) {
            allowed += throttle.attempt(client, "name" + ThreadLocalRandom.current().nextLong()).allowed() ? 1 : 0;
        }
        return allowed;
    }

    @Test
    void aUserNameIsLimitedForEveryAddressThatFailedAsIt() {
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            allowed += allowedOf(1, ip(i), "root");
        }
        assertEquals(100, allowed, "each address's first guess is checked: it might be the owner");
        for (int i = 0; i < 100; i++) {
            assertFalse(throttle.attempt(ip(i), "root").allowed(), "address " + i + " failed as root and waits for its bucket");
        }
        assertTrue(throttle.attempt(ip(200), "alice").allowed(), "other names are not held up");
        advance(Duration.ofSeconds(12));
        int afterRefill = 0;
        for (int i = 0; i < 100; i++) {
            afterRefill += allowedOf(1, ip(i), "root");
        }
        assertEquals(1, afterRefill, "one token came back, for all the failed addresses together");
    }

    @Test
    void aGuesserCannotLockTheOwnerOut() {
        assertEquals(5, allowedOf(50, ip(1), "alice"));
        assertFalse(throttle.attempt(ip(1), "alice").allowed(), "the guesser waits");
        assertTrue(throttle.attempt(ip(2), "alice").allowed(), "the owner, elsewhere, is checked");
        throttle.succeeded(ip(2), "alice");
        assertTrue(throttle.attempt(ip(2), "alice").allowed(), "and again later: a success leaves no failure");
    }

    @Test
    void aSuccessForgivesTheAddressItsEarlierFailures() {
        assertEquals(5, allowedOf(5, ip(1), "alice"));
        assertFalse(throttle.attempt(ip(1), "alice").allowed());
        throttle.succeeded(ip(1), "alice");
        assertTrue(throttle.attempt(ip(1), "alice").allowed());
    }

    @Test
    void aSecretOfNoUserIsCountedPerAddressOnly() {
        for (int i = 0; i < 10; i++) {
            assertTrue(throttle.attempt(ip(1), null).allowed());
            throttle.failed(ip(1), null);
        }
        assertFalse(throttle.attempt(ip(1), null).allowed());
        assertTrue(throttle.attempt(ip(2), null).allowed(), "no shared bucket");
        assertEquals(0, throttle.rememberedFailures());
    }

    @Test
    void anAddressIsLimitedWhateverTheUserNames() {
        assertEquals(10, allowedOfNames(1_000, ip(7)));
    }

    @Test
    void aRefusedAttemptTakesNoTokenFromTheOtherBucket() {
        assertEquals(5, allowedOf(5, ip(1), "root"));
        assertEquals(0, allowedOf(50, ip(1), "root"));
        assertEquals(5, allowedOfNames(5, ip(1)), "the refused tries of root did not drain the address");
    }

    @Test
    void retryAfterIsTheWaitForTheScarcerBucketRoundedUp() {
        assertEquals(5, allowedOf(5, ip(1), "root"));
        LoginThrottle.Decision refused = throttle.attempt(ip(1), "root");
        assertFalse(refused.allowed());
        assertEquals(Duration.ofSeconds(12), refused.retryAfter());
        assertEquals(12, refused.retryAfterSeconds());
        advance(Duration.ofMillis(11_500));
        assertEquals(1, throttle.attempt(ip(1), "root").retryAfterSeconds(), "half a second is rounded up to 1");
        advance(Duration.ofMillis(499));
        assertEquals(Duration.ofMillis(1), throttle.attempt(ip(1), "root").retryAfter());
        assertEquals(1, throttle.attempt(ip(1), "root").retryAfterSeconds(), "at least 1");
        advance(Duration.ofMillis(1));
        assertTrue(throttle.attempt(ip(1), "root").allowed());
        assertEquals(new LoginThrottle.Decision(false, Duration.ofMillis(2_001)).retryAfterSeconds(), 3);
    }

    @Test
    void ipv6ClientsAreCountedPerSlash64() throws UnknownHostException {
        for (int i = 0; i < 10; i++) {
            assertTrue(throttle.attempt(InetAddress.getByName("2001:db8:1:2::" + Integer.toHexString(i + 1)), "u" + i).allowed());
        }
        assertFalse(throttle.attempt(InetAddress.getByName("2001:db8:1:2:ffff::1"), "u10").allowed());
        assertTrue(throttle.attempt(InetAddress.getByName("2001:db8:1:3::1"), "u10").allowed());
    }

    @Test
    void sixtyFourThreadsAtOnceGetExactlyTheBurst() throws Exception {
        AtomicInteger allowed = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(64)) {
            List<Future<?>> tries = new ArrayList<>();
            for (int t = 0; t < 64; t++) {
                int thread = t;
                tries.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 100; i++) {
                        if (throttle.attempt(ip(1), "user" + thread + "-" + i).allowed()) {
                            allowed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : tries) {
                f.get();
            }
        }
        assertEquals(PER_ADDRESS.burst(), allowed.get());
    }

    @Test
    void aFloodOfNewNamesNeitherGrowsMemoryNorFreesAThrottledName() {
        LoginThrottle big = new LoginThrottle(PER_ADDRESS, PER_USER, LoginThrottle.DEFAULT_MAX_KEYS, nanos::get);
        for (int i = 0; i < 5; i++) {
            assertTrue(big.attempt(ip(0), "root").allowed());
            big.failed(ip(0), "root");
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            // A million fresh names from a million addresses, a little time passing between them.
            for (int i = 1; i <= 1_000_000; i++) {
                assertTrue(big.attempt(ip(i), "n" + i).allowed());
                if (i % 100 == 0) {
                    advance(Duration.ofMillis(1));
                }
                if (i % 100_000 == 0) {
                    assertTrue(big.trackedKeys() <= 2 * LoginThrottle.DEFAULT_MAX_KEYS, big.trackedKeys() + " keys");
                    assertFalse(big.attempt(ip(0), "root").allowed(), "root was forgotten after " + i + " names");
                }
            }
        });
        assertEquals(2 * LoginThrottle.DEFAULT_MAX_KEYS, big.trackedKeys());
    }

    @Test
    void idleBucketsAreForgotten() {
        assertEquals(10, allowedOfNames(10, ip(1)));
        assertEquals(11, throttle.trackedKeys());
        advance(Duration.ofMinutes(2)); // every bucket is full again, the same as no bucket
        for (int i = 0; i < 10; i++) {
            throttle.attempt(ip(2), "someone");
        }
        assertEquals(2, throttle.trackedKeys());
    }

    /**
     * Retained heap when the throttle tracks its maximum of addresses and user names (after a
     * flood), measured as the used-heap difference after full collections.
     */
    @Test
    void aFullThrottleTakesBoundedMemory() {
        long before = SessionsTest.usedHeapAfterGc();
        LoginThrottle full = new LoginThrottle(PER_ADDRESS, PER_USER, LoginThrottle.DEFAULT_MAX_KEYS, nanos::get);
        for (int i = 0; i < LoginThrottle.DEFAULT_MAX_KEYS; i++) {
            full.attempt(ip(i), "user-name-" + i + "@example.com");
        }
        long bytes = SessionsTest.usedHeapAfterGc() - before;
        assertEquals(2 * LoginThrottle.DEFAULT_MAX_KEYS, full.trackedKeys());
        System.out.printf("login throttle with %,d keys: %,d bytes retained (%d per key)%n",
                full.trackedKeys(), bytes, bytes / full.trackedKeys());
        assertTrue(bytes < 40_000_000, bytes + " bytes");
        for (int i = 0; i < LoginThrottle.DEFAULT_MAX_KEYS + 10; i++) {
            full.failed(ip(i), "user-name-" + i + "@example.com");
        }
        long withFailures = SessionsTest.usedHeapAfterGc() - before;
        assertEquals(LoginThrottle.DEFAULT_MAX_KEYS, full.rememberedFailures(), "at most maxKeys failures are remembered");
        Reference.reachabilityFence(full);
        System.out.printf("and %,d remembered failures: %,d bytes more (%d per failure)%n", full.rememberedFailures(),
                withFailures - bytes, (withFailures - bytes) / full.rememberedFailures());
        assertTrue(withFailures < 60_000_000, withFailures + " bytes");
    }
}
