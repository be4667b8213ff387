package io.cloudterm.terminal;

import static io.cloudterm.terminal.ScrollbackTest.stream;
import static io.cloudterm.terminal.ScrollbackTest.streamByte;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ScrollbackBudgetTest {

    @Test
    void theGlobalCapHoldsAcrossAThousandScrollbacksAndEachKeepsItsNewestBytes() {
        int pageSize = 1024;
        ScrollbackBudget budget = new ScrollbackBudget(2500L * pageSize, pageSize, 2);
        long directBefore = directMemoryUsed();
        List<Scrollback> scrollbacks = new ArrayList<>();
        for (int k = 0; k < 1000; k++) {
            scrollbacks.add(new Scrollback(budget, 64 * pageSize));
        }
        int rounds = 20;
        int size = 3000; // 60 KB each, 60 MB asked of a 2.5 MB budget
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < scrollbacks.size(); k++) {
                scrollbacks.get(k).append(ByteBuffer.wrap(stream(k, (long) round * size, size)));
                assertTrue(budget.pagesInUse() <= budget.maxPages());
            }
            assertTrue(scrollbacks.stream().mapToInt(Scrollback::pages).sum() <= budget.maxPages());
        }
        long directGrowth = directMemoryUsed() - directBefore;
        assertTrue(directGrowth <= budget.capBytes() + 64L * pageSize, "direct memory grew by " + directGrowth);
        for (int k = 0; k < scrollbacks.size(); k++) {
            Scrollback scrollback = scrollbacks.get(k);
            byte[] kept = scrollback.snapshot();
            assertEquals((long) rounds * size, scrollback.end());
            assertTrue(kept.length > pageSize, "scrollback " + k + " keeps only " + kept.length + " bytes");
            assertArrayEquals(stream(k, scrollback.start(), kept.length), kept, "scrollback " + k + " keeps its newest bytes");
            assertTrue(scrollback.pages() >= budget.minimumPages());
        }
        scrollbacks.forEach(Scrollback::release);
        assertEquals(0, budget.pagesInUse());
    }

    @Test
    void aFullBudgetTakesTheOldestPageOfTheBiggestHolder() {
        ScrollbackBudget budget = new ScrollbackBudget(8 * 16, 16, 1);
        Scrollback big = new Scrollback(budget, 1024);
        Scrollback small = new Scrollback(budget, 1024);
        big.append(ByteBuffer.wrap(stream(1, 0, 6 * 16)));
        small.append(ByteBuffer.wrap(stream(2, 0, 2 * 16)));
        assertEquals(8, budget.pagesInUse());

        small.append(ByteBuffer.wrap(stream(2, 32, 16)));
        assertEquals(16, big.start(), "the big one gave up its oldest page");
        assertEquals(5, big.pages());
        assertEquals(0, small.start());
        assertEquals(3, small.pages());
        assertEquals(8, budget.pagesInUse());
    }

    @Test
    void aNoisyTerminalOnceBiggestRecyclesItsOwnHistory() {
        ScrollbackBudget budget = new ScrollbackBudget(8 * 16, 16, 1);
        Scrollback quiet = new Scrollback(budget, 1024);
        Scrollback noisy = new Scrollback(budget, 1024);
        quiet.append(ByteBuffer.wrap(stream(1, 0, 3 * 16)));
        for (int i = 0; i < 100; i++) {
            noisy.append(ByteBuffer.wrap(stream(2, i * 50L, 50)));
        }
        assertEquals(0, quiet.start(), "the quiet terminal keeps all three pages");
        assertArrayEquals(stream(1, 0, 48), quiet.snapshot());
        assertEquals(5, noisy.pages());
        assertArrayEquals(stream(2, noisy.start(), (int) (5000 - noisy.start())), noisy.snapshot());
    }

    @Test
    void equalHoldersGiveUpTheHistoryThatGrewLeastRecently() {
        ScrollbackBudget budget = new ScrollbackBudget(6 * 16, 16, 1);
        Scrollback older = new Scrollback(budget, 1024);
        Scrollback newer = new Scrollback(budget, 1024);
        Scrollback third = new Scrollback(budget, 1024);
        older.append(ByteBuffer.wrap(stream(1, 0, 32)));
        newer.append(ByteBuffer.wrap(stream(2, 0, 32)));
        third.append(ByteBuffer.wrap(stream(3, 0, 32)));
        third.append(ByteBuffer.wrap(stream(3, 32, 1)));
        assertEquals(16, older.start());
        assertEquals(0, newer.start());
    }

    @Test
    void theMinimumIsKeptByQuietTerminals() {
        ScrollbackBudget budget = new ScrollbackBudget(4 * 16, 16, 1);
        Scrollback first = new Scrollback(budget, 1024);
        Scrollback second = new Scrollback(budget, 1024);
        Scrollback noisy = new Scrollback(budget, 1024);
        first.append(ByteBuffer.wrap(stream(1, 0, 10)));
        second.append(ByteBuffer.wrap(stream(2, 0, 10)));
        noisy.append(ByteBuffer.wrap(stream(3, 0, 10_000)));
        assertArrayEquals(stream(1, 0, 10), first.snapshot());
        assertArrayEquals(stream(2, 0, 10), second.snapshot());
        assertEquals(2, noisy.pages());
        assertEquals(10_000 - 2 * 16, noisy.start(), "two full pages, the newest");
        assertArrayEquals(stream(3, noisy.start(), (int) (10_000 - noisy.start())), noisy.snapshot());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void anOvercommittedBudgetStillServesEveryWriter() {
        ScrollbackBudget budget = new ScrollbackBudget(2 * 16, 16, 2); // two pages, a minimum of two each
        Scrollback[] scrollbacks = {new Scrollback(budget, 1024), new Scrollback(budget, 1024), new Scrollback(budget, 1024)};
        for (int round = 0; round < 10; round++) {
            for (int k = 0; k < scrollbacks.length; k++) {
                scrollbacks[k].append(ByteBuffer.wrap(stream(k, round * 40L, 40)));
                assertTrue(budget.pagesInUse() <= 2);
                byte[] kept = scrollbacks[k].snapshot();
                assertTrue(kept.length > 0, "the writer keeps its newest bytes");
                assertArrayEquals(stream(k, scrollbacks[k].start(), kept.length), kept);
            }
        }
    }

    @Test
    void releasedPagesAreReusedWithoutGrowthOverTenThousandCycles() {
        ScrollbackBudget budget = new ScrollbackBudget(4L << 20, 16 << 10, 2);
        byte[] output = stream(0, 0, 50_000);
        Runnable cycle = () -> {
            Scrollback scrollback = new Scrollback(budget, 1 << 20);
            scrollback.append(ByteBuffer.wrap(output));
            scrollback.release();
        };
        for (int i = 0; i < 100; i++) {
            cycle.run();
        }
        long directBefore = directMemoryUsed();
        for (int i = 0; i < 10_000; i++) {
            cycle.run();
        }
        assertEquals(0, budget.pagesInUse());
        assertEquals(0, budget.scrollbacks());
        long growth = directMemoryUsed() - directBefore;
        assertTrue(growth < 1 << 20, "direct memory grew by " + growth + " bytes");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentWritersUnderPressureStayWithinTheCapAndKeepTheirOwnBytes() throws Exception {
        int pageSize = 64;
        ScrollbackBudget budget = new ScrollbackBudget(40L * pageSize, pageSize, 2);
        int writers = 8;
        List<Scrollback> scrollbacks = new ArrayList<>();
        for (int k = 0; k < writers; k++) {
            scrollbacks.add(new Scrollback(budget, 32 * pageSize));
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < writers; k++) {
            int stream = k;
            Scrollback scrollback = scrollbacks.get(k);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    ByteBuffer chunk = ByteBuffer.allocateDirect(200);
                    ByteBuffer into = ByteBuffer.allocate(150);
                    for (long at = 0; at < 2_000_000; at += 200) {
                        chunk.clear();
                        for (int i = 0; i < 200; i++) {
                            chunk.put(streamByte(stream, at + i));
                        }
                        scrollback.append(chunk.flip());
                        into.clear();
                        long first = scrollback.copy(at - 100, into);
                        for (int i = 0; i < into.position(); i++) {
                            if (into.get(i) != streamByte(stream, first + i)) {
                                throw new AssertionError("stream " + stream + " byte " + (first + i));
                            }
                        }
                        if (budget.pagesInUse() > budget.maxPages()) {
                            throw new AssertionError(budget.pagesInUse() + " pages in use");
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        for (int k = 0; k < writers; k++) {
            Scrollback scrollback = scrollbacks.get(k);
            byte[] kept = scrollback.snapshot();
            assertTrue(kept.length > pageSize);
            assertArrayEquals(stream(k, scrollback.start(), kept.length), kept);
            scrollback.release();
        }
        assertEquals(0, budget.pagesInUse());
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }
}
