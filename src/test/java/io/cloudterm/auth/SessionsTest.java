package io.cloudterm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The session store: ids kept as hashes, ordered expiry, end notifications, memory. */
class SessionsTest {

    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final Duration LIFETIME = Duration.ofHours(12);
    private static final Principal ALICE = new Principal("alice");
    private static final Principal BOB = new Principal("bob");

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final Sessions sessions = new Sessions(IDLE, LIFETIME, nanos::get);

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Test
    void everyLoginGetsANewRandomId() {
        String first = sessions.open(ALICE);
        String second = sessions.open(ALICE);
        assertNotEquals(first, second);
        assertEquals(32, Base64.getUrlDecoder().decode(first).length, "256 random bits");
        assertEquals(Optional.of(ALICE), sessions.find(first));
        assertEquals(Optional.of(ALICE), sessions.find(second));
        assertEquals(2, sessions.size());
    }

    @Test
    void theIdIsNeverStoredOnlyItsHash() throws IllegalAccessException {
        String id = sessions.open(ALICE);
        assertEquals(List.of(Secrets.sha256(id)), sessions.storedKeys());
        List<String> strings = new ArrayList<>();
        collectStrings(sessions, strings, new IdentityHashMap<>());
        assertFalse(strings.isEmpty(), "the walk found the stored strings");
        assertTrue(strings.stream().noneMatch(s -> s.contains(id)), "the id itself is held by the store");
    }

    @Test
    void forgedAndOversizedIdsFindNothing() {
        sessions.open(ALICE);
        assertEquals(Optional.empty(), sessions.find(null));
        assertEquals(Optional.empty(), sessions.find(""));
        assertEquals(Optional.empty(), sessions.find("forged"));
        assertEquals(Optional.empty(), sessions.find("x".repeat(10_000)));
    }

    @Test
    void anUnusedSessionIdlesOut() {
        String id = sessions.open(ALICE);
        advance(IDLE.minusSeconds(1));
        assertEquals(Optional.of(ALICE), sessions.find(id), "a use just in time");
        advance(IDLE.minusSeconds(1));
        assertEquals(Optional.of(ALICE), sessions.find(id), "the use restarted the idle time");
        advance(IDLE);
        assertEquals(Optional.empty(), sessions.find(id));
        assertEquals(0, sessions.size(), "the lookup removed it");
    }

    @Test
    void aBusySessionStillEndsAtItsLifetime() {
        String id = sessions.open(ALICE);
        for (Duration age = Duration.ZERO; age.compareTo(LIFETIME.minusMinutes(10)) < 0; age = age.plusMinutes(10)) {
            advance(Duration.ofMinutes(10));
            assertEquals(Optional.of(ALICE), sessions.find(id), "alive at " + age);
        }
        advance(Duration.ofMinutes(10));
        assertEquals(Optional.empty(), sessions.find(id));
    }

    @Test
    void theSweepEndsOnlyDueSessionsEachOnce() {
        AtomicInteger aliceEnded = new AtomicInteger();
        AtomicInteger bobEnded = new AtomicInteger();
        String alices = sessions.open(ALICE);
        String bobs = sessions.open(BOB);
        sessions.onEnd(alices, aliceEnded::incrementAndGet);
        sessions.onEnd(bobs, bobEnded::incrementAndGet);
        advance(Duration.ofMinutes(20));
        sessions.find(bobs);
        advance(Duration.ofMinutes(11));
        assertEquals(1, sessions.expireDue(), "alice's is idle for 31 minutes, bob's for 11");
        assertEquals(0, sessions.expireDue());
        assertEquals(1, aliceEnded.get());
        assertEquals(0, bobEnded.get());
        assertEquals(Optional.of(BOB), sessions.find(bobs));
        // Bob keeps using his until its lifetime; then the sweep ends it.
        for (Duration age = Duration.ofMinutes(31); age.compareTo(LIFETIME.minusMinutes(20)) < 0; age = age.plusMinutes(20)) {
            advance(Duration.ofMinutes(20));
            assertEquals(Optional.of(BOB), sessions.find(bobs));
            assertEquals(0, sessions.expireDue());
        }
        advance(Duration.ofMinutes(20));
        assertEquals(1, sessions.expireDue());
        assertEquals(1, bobEnded.get());
        assertEquals(0, sessions.size());
    }

    @Test
    void aSweepCostsOnlyWhatIsDue() {
        List<String> young = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            sessions.open(ALICE);
        }
        advance(Duration.ofMinutes(20));
        for (int i = 0; i < 1_000; i++) {
            young.add(sessions.open(BOB));
        }
        advance(Duration.ofMinutes(15));
        assertEquals(1_000, sessions.expireDue());
        assertEquals(1_000, sessions.size());
        young.forEach(id -> assertEquals(Optional.of(BOB), sessions.find(id)));
    }

    @Test
    void closingASessionEndsItAndRunsItsActionsOnce() {
        AtomicInteger terminalsClosed = new AtomicInteger();
        String id = sessions.open(ALICE);
        String other = sessions.open(ALICE);
        sessions.onEnd(id, terminalsClosed::incrementAndGet);
        sessions.onEnd(id, terminalsClosed::incrementAndGet);
        Runnable unregister = sessions.onEnd(id, () -> { throw new AssertionError("unregistered, yet run"); });
        unregister.run();
        sessions.close(id);
        sessions.close(id);
        assertEquals(2, terminalsClosed.get());
        assertEquals(Optional.empty(), sessions.find(id));
        assertEquals(Optional.of(ALICE), sessions.find(other));
    }

    @Test
    void anActionForASessionThatIsGoneRunsAtOnce() {
        AtomicInteger ran = new AtomicInteger();
        String id = sessions.open(ALICE);
        sessions.close(id);
        sessions.onEnd(id, ran::incrementAndGet);
        sessions.onEnd("forged", ran::incrementAndGet);
        assertEquals(2, ran.get());
    }

    @Test
    void anActionThatThrowsDoesNotStopTheOthers() {
        AtomicInteger ran = new AtomicInteger();
        String id = sessions.open(ALICE);
        sessions.onEnd(id, () -> { throw new IllegalStateException("a terminal that would not close"); });
        sessions.onEnd(id, ran::incrementAndGet);
        sessions.close(id);
        assertEquals(1, ran.get());
    }

    @Test
    void aNewPasswordEndsOnlyTheSessionsOpenedWithTheOldOne() {
        AtomicInteger ended = new AtomicInteger();
        String old = sessions.open(ALICE, "old hash");
        sessions.onEnd(old, ended::incrementAndGet);
        String fresh = sessions.open(ALICE, "new hash");
        String bobs = sessions.open(BOB, "old hash");
        assertEquals(1, sessions.closeStale(ALICE, "new hash"::equals));
        assertEquals(1, ended.get(), "the old session's terminals are told");
        assertEquals(Optional.empty(), sessions.find(old));
        assertEquals(Optional.of(new Sessions.Found(ALICE, "new hash")), sessions.lookup(fresh));
        assertEquals(Optional.of(BOB), sessions.find(bobs), "other users are untouched");
    }

    @Test
    void loggingOutEverywhereEndsEverySessionOfThatUserOnly() {
        AtomicInteger ended = new AtomicInteger();
        List<String> alices = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = sessions.open(new Principal("alice"));
            sessions.onEnd(id, ended::incrementAndGet);
            alices.add(id);
        }
        String bobs = sessions.open(BOB);
        sessions.close(alices.get(2));
        assertEquals(1, ended.get());
        assertEquals(4, sessions.closeAll(ALICE));
        assertEquals(5, ended.get());
        alices.forEach(id -> assertEquals(Optional.empty(), sessions.find(id)));
        assertEquals(Optional.of(BOB), sessions.find(bobs));
        assertEquals(0, sessions.closeAll(ALICE));
        assertEquals(1, sessions.size());
    }

    @Test
    void concurrentLoginsLookupsAndLogoutsKeepTheCountRight() throws Exception {
        Sessions shared = new Sessions();
        AtomicInteger ends = new AtomicInteger();
        int threads = 32;
        int rounds = 2_000;
        List<Future<Integer>> kept = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                Principal user = new Principal("user" + (t % 4));
                kept.add(pool.submit(() -> {
                    List<String> mine = new ArrayList<>();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < rounds; i++) {
                        switch (random.nextInt(4)) {
                            case 0, 1 -> {
                                String id = shared.open(user);
                                shared.onEnd(id, ends::incrementAndGet);
                                mine.add(id);
                            }
                            case 2 -> {
                                if (!mine.isEmpty()) {
                                    assertEquals(Optional.of(user), shared.find(mine.get(random.nextInt(mine.size()))));
                                }
                            }
                            default -> {
                                if (!mine.isEmpty()) {
                                    shared.close(mine.remove(random.nextInt(mine.size())));
                                }
                            }
                        }
                    }
                    return mine.size();
                }));
            }
        }
        int open = 0;
        for (Future<Integer> f : kept) {
            open += f.get();
        }
        assertEquals(open, shared.size());
        int closedBefore = ends.get();
        for (int u = 0; u < 4; u++) {
            shared.closeAll(new Principal("user" + u));
        }
        assertEquals(0, shared.size());
        assertEquals(closedBefore + open, ends.get(), "every session ended exactly once");
    }

    /**
     * Retained heap of 10,000 sessions, measured as the difference in used heap after full
     * collections (System.gc() is a full, stop-the-world collection with G1), median of three
     * rounds. Each session has its own user here, the worst case for the per-user index.
     */
    @Test
    void tenThousandSessionsTakeWellUnderTenMegabytes() {
        long[] bytes = new long[3];
        for (int round = 0; round < bytes.length; round++) {
            long before = usedHeapAfterGc();
            Sessions store = new Sessions();
            for (int i = 0; i < 10_000; i++) {
                store.open(new Principal("user" + i));
            }
            bytes[round] = usedHeapAfterGc() - before;
            assertEquals(10_000, store.size());
            Reference.reachabilityFence(store);
        }
        Arrays.sort(bytes);
        long median = bytes[1];
        System.out.printf("10,000 sessions: %,d bytes retained (%d per session; rounds %s)%n",
                median, median / 10_000, Arrays.toString(bytes));
        assertTrue(median < 10_000_000, median + " bytes");
    }

    static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            least = Math.min(least, runtime.totalMemory() - runtime.freeMemory());
        }
        return least;
    }

    /** Every string reachable from {@code root} through our objects' fields and JDK collections. */
    private static void collectStrings(Object root, List<String> found, Map<Object, Boolean> seen)
            throws IllegalAccessException {
        if (root == null || seen.put(root, true) != null) {
            return;
        }
        switch (root) {
            case String s -> found.add(s);
            case Map<?, ?> map -> {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    collectStrings(e.getKey(), found, seen);
                    collectStrings(e.getValue(), found, seen);
                }
            }
            case Collection<?> collection -> {
                for (Object element : collection) {
                    collectStrings(element, found, seen);
                }
            }
            default -> {
                if (root.getClass().isArray() && !root.getClass().getComponentType().isPrimitive()) {
                    for (int i = 0; i < Array.getLength(root); i++) {
                        collectStrings(Array.get(root, i), found, seen);
                    }
                } else if (root.getClass().getName().startsWith("io.cloudterm.")) {
                    for (Class<?> c = root.getClass(); c != null; c = c.getSuperclass()) {
                        for (Field field : c.getDeclaredFields()) {
                            if (!Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()) {
                                field.setAccessible(true);
                                collectStrings(field.get(root), found, seen);
                            }
                        }
                    }
                }
            }
        }
    }
}
