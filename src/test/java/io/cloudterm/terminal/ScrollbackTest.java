package io.cloudterm.terminal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ScrollbackTest {

    /** The byte at offset {@code i} of test stream {@code k}: no short period, so a misplaced byte shows. */
    static byte streamByte(int k, long i) {
        return (byte) (i * 7 + (i >>> 9) + k * 13);
    }

    static byte[] stream(int k, long from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = streamByte(k, from + i);
        }
        return bytes;
    }

    @Test
    void appendAndCopyRoundTripByteExactAcrossPageBoundaries() {
        ScrollbackBudget budget = new ScrollbackBudget(1 << 20, 16, 2);
        Scrollback scrollback = new Scrollback(budget, 4096);
        byte[] all = stream(0, 0, 1000);
        int at = 0;
        for (int size : new int[] {1, 15, 16, 17, 7, 33, 0, 64, 100, 3}) {
            scrollback.append(ByteBuffer.wrap(all, at, size));
            at += size;
        }
        scrollback.append(ByteBuffer.wrap(all, at, all.length - at).slice());
        assertEquals(0, scrollback.start());
        assertEquals(1000, scrollback.end());
        assertArrayEquals(all, scrollback.snapshot());
        for (int chunk : new int[] {1, 5, 16, 17, 31, 1000}) {
            for (int from : new int[] {0, 1, 15, 16, 17, 500, 999}) {
                ByteBuffer into = ByteBuffer.allocateDirect(chunk);
                ByteArrayStream replay = new ByteArrayStream();
                long next = from;
                while (true) {
                    into.clear();
                    long first = scrollback.copy(next, into);
                    assertEquals(next, first, "nothing was dropped");
                    if (into.position() == 0) {
                        break;
                    }
                    replay.add(into.flip());
                    next = first + into.limit();
                }
                assertArrayEquals(Arrays.copyOfRange(all, from, all.length), replay.bytes(), "chunk " + chunk + " from " + from);
            }
        }
    }

    /** A replay copies the history as it was at the attach, never the live output appended since. */
    @Test
    void copyStopsAtTheGivenOffsetAndSkipsWhatWasDropped() {
        ScrollbackBudget budget = new ScrollbackBudget(1 << 20, 16, 0);
        Scrollback scrollback = new Scrollback(budget, 4 * 16);
        byte[] all = stream(4, 0, 200);
        scrollback.append(ByteBuffer.wrap(all, 0, 50));
        ByteBuffer into = ByteBuffer.allocate(100);
        assertEquals(10, scrollback.copy(10, 30, into));
        assertArrayEquals(Arrays.copyOfRange(all, 10, 30), Arrays.copyOf(into.array(), into.position()), "up to 30, not 50");

        scrollback.append(ByteBuffer.wrap(all, 50, 150)); // 200 bytes through a 64-byte ring: 0..127 dropped
        into.clear();
        assertEquals(scrollback.start(), scrollback.copy(10, 150, into), "the first byte still kept");
        assertArrayEquals(Arrays.copyOfRange(all, (int) scrollback.start(), 150), Arrays.copyOf(into.array(), into.position()));
        into.clear();
        assertEquals(scrollback.start(), scrollback.copy(10, 100, into), "all of it dropped: nothing copied");
        assertEquals(0, into.position());
    }

    /** The ring starts with a few slots and grows; growing after pages were taken from its front keeps the order. */
    @Test
    void theRingGrowsInOrderAfterItsFrontMoved() {
        ScrollbackBudget budget = new ScrollbackBudget(1 << 20, 16, 0);
        Scrollback scrollback = new Scrollback(budget, 64 * 16);
        byte[] all = stream(1, 0, 40 * 16 + 5);
        scrollback.append(ByteBuffer.wrap(all, 0, 3 * 16 + 5));
        assertEquals(4, scrollback.pages());
        budget.giveBack(scrollback.surrenderOldest(0)); // the front moves: the ring now starts mid-array
        budget.giveBack(scrollback.surrenderOldest(0));
        assertEquals(2 * 16, scrollback.start());
        scrollback.append(ByteBuffer.wrap(all, 3 * 16 + 5, all.length - (3 * 16 + 5)));
        assertEquals(39, scrollback.pages());
        assertArrayEquals(Arrays.copyOfRange(all, 2 * 16, all.length), scrollback.snapshot());
    }

    @Test
    void theCapDropsTheOldestPagesFirstAndOffsetsFollow() {
        ScrollbackBudget budget = new ScrollbackBudget(1 << 20, 16, 2);
        Scrollback scrollback = new Scrollback(budget, 64 + 10); // rounded down to four pages
        assertEquals(64, scrollback.capBytes());
        byte[] all = stream(1, 0, 100);
        scrollback.append(ByteBuffer.wrap(all, 0, 64));
        assertEquals(0, scrollback.start());
        assertEquals(4, scrollback.pages());
        scrollback.append(ByteBuffer.wrap(all, 64, 1)); // a fifth page is needed: the first goes
        assertEquals(16, scrollback.start());
        assertEquals(65, scrollback.end());
        scrollback.append(ByteBuffer.wrap(all, 65, 35));
        assertEquals(48, scrollback.start());
        assertEquals(100, scrollback.end());
        assertEquals(4, scrollback.pages());
        assertEquals(4, budget.pagesInUse(), "the ring reuses its own pages at its cap");
        assertArrayEquals(Arrays.copyOfRange(all, 48, 100), scrollback.snapshot());
    }

    @Test
    void aCopyFromDroppedHistoryStartsAtStartAndSaysSo() {
        ScrollbackBudget budget = new ScrollbackBudget(1 << 20, 16, 2);
        Scrollback scrollback = new Scrollback(budget, 64);
        byte[] all = stream(2, 0, 100);
        scrollback.append(ByteBuffer.wrap(all));
        assertTrue(scrollback.lost(47));
        assertFalse(scrollback.lost(48));
        ByteBuffer into = ByteBuffer.allocate(10);
        long first = scrollback.copy(20, into);
        assertEquals(48, first, "bytes 20 to 48 were dropped");
        assertArrayEquals(Arrays.copyOfRange(all, 48, 58), into.array());
        into.clear();
        assertEquals(100, scrollback.copy(100, into), "at the end: nothing yet");
        assertEquals(0, into.position());
        assertEquals(150, scrollback.copy(150, into), "past the end: nothing");
        assertEquals(0, into.position());
    }

    @Test
    void theSourceBuffersPositionIsUntouched() {
        ScrollbackBudget budget = new ScrollbackBudget(1 << 20, 16, 2);
        Scrollback scrollback = new Scrollback(budget, 1024);
        ByteBuffer source = ByteBuffer.allocateDirect(100);
        source.put(stream(3, 0, 100)).position(10).limit(90);
        scrollback.append(source);
        assertEquals(10, source.position());
        assertEquals(90, source.limit());
        assertArrayEquals(stream(3, 10, 80), scrollback.snapshot(), "only position to limit");
        ByteBuffer readOnly = ByteBuffer.wrap(stream(3, 90, 10)).asReadOnlyBuffer();
        scrollback.append(readOnly);
        assertEquals(0, readOnly.position());
        assertEquals(90, scrollback.end());
    }

    @Test
    void zeroLengthAppendsChangeNothing() {
        ScrollbackBudget budget = new ScrollbackBudget(1 << 20, 16, 2);
        Scrollback scrollback = new Scrollback(budget, 1024);
        scrollback.append(ByteBuffer.allocate(0));
        assertEquals(0, scrollback.end());
        assertEquals(0, budget.pagesInUse(), "no page for nothing");
        assertEquals(0, scrollback.snapshot().length);
        scrollback.append(ByteBuffer.wrap(stream(4, 0, 16)));
        scrollback.append(ByteBuffer.wrap(new byte[5], 5, 0));
        assertEquals(16, scrollback.end());
        assertEquals(1, scrollback.pages(), "a full page does not make an empty append take another");
    }

    @Test
    void aPromptTakesNoPageUntilItOutgrowsTheOpeningBytes() {
        ScrollbackBudget budget = new ScrollbackBudget();
        Scrollback scrollback = new Scrollback(budget, Scrollback.DEFAULT_CAP_BYTES);
        assertEquals(256, scrollback.openingBytes(), "an eighth of a 2 KiB page");
        byte[] all = stream(6, 0, 3 * budget.pageSize());
        scrollback.append(ByteBuffer.wrap(all, 0, 200));
        scrollback.append(ByteBuffer.wrap(all, 200, 56));
        assertEquals(0, budget.pagesInUse(), "a prompt's worth of output waits outside the budget's pages");
        assertArrayEquals(Arrays.copyOf(all, 256), scrollback.snapshot());
        ByteBuffer tail = ByteBuffer.allocate(100);
        assertEquals(250, scrollback.copy(250, tail));
        assertArrayEquals(Arrays.copyOfRange(all, 250, 256), Arrays.copyOf(tail.array(), tail.position()));

        scrollback.append(ByteBuffer.wrap(all, 256, 1));
        assertEquals(1, budget.pagesInUse(), "one byte more and the opening moves into the first page");
        scrollback.append(ByteBuffer.wrap(all, 257, all.length - 257));
        assertEquals(3, budget.pagesInUse(), "three pages, the first one full from offset 0");
        assertArrayEquals(all, scrollback.snapshot());
        ByteBuffer across = ByteBuffer.allocate(2 * budget.pageSize());
        assertEquals(100, scrollback.copy(100, across));
        assertArrayEquals(Arrays.copyOfRange(all, 100, 100 + across.capacity()), across.array());
    }

    @Test
    void theBytesHeldCountTheOpeningUntilItBecomesAPageAndNothingAfterRelease() {
        ScrollbackBudget budget = new ScrollbackBudget();
        Scrollback scrollback = new Scrollback(budget, Scrollback.DEFAULT_CAP_BYTES);
        assertEquals(0, budget.bytesHeld(), "nothing printed, nothing held");
        scrollback.append(ByteBuffer.wrap(new byte[10]));
        assertEquals(scrollback.openingBytes(), budget.bytesHeld(), "a prompt holds its opening array");
        scrollback.append(ByteBuffer.wrap(new byte[scrollback.openingBytes()]));
        assertEquals(budget.pageSize(), budget.bytesHeld(), "the opening moved into a page: counted once");
        scrollback.release();
        assertEquals(0, budget.bytesHeld());

        Scrollback quiet = new Scrollback(budget, Scrollback.DEFAULT_CAP_BYTES);
        quiet.append(ByteBuffer.wrap(new byte[1]));
        quiet.release();
        assertEquals(0, budget.bytesHeld(), "a released opening is given back too");
    }

    @Test
    void aScrollbackStrippedOfItsPagesKeepsItsNextOpeningBytesFromItsNewStart() {
        ScrollbackBudget budget = new ScrollbackBudget(1 << 20, 64, 0);
        Scrollback quiet = new Scrollback(budget, 1024);
        quiet.append(ByteBuffer.wrap(stream(7, 0, 100)));
        assertEquals(2, quiet.pages());
        assertTrue(quiet.surrenderOldest(0) != null && quiet.surrenderOldest(0) != null);
        assertEquals(100, quiet.start(), "all history gone with its pages");
        quiet.append(ByteBuffer.wrap(stream(7, 100, 5)));
        assertEquals(0, quiet.pages());
        assertArrayEquals(stream(7, 100, 5), quiet.snapshot());
        quiet.append(ByteBuffer.wrap(stream(7, 105, 10)));
        assertEquals(1, quiet.pages());
        assertArrayEquals(stream(7, 100, 15), quiet.snapshot());
        quiet.release();
        assertEquals(0, quiet.snapshot().length, "the opening bytes go with the release");
    }

    @Test
    void releaseGivesPagesBackOnceAndLaterAppendsAreIgnored() {
        ScrollbackBudget budget = new ScrollbackBudget(1 << 20, 16, 2);
        Scrollback scrollback = new Scrollback(budget, 1024);
        scrollback.append(ByteBuffer.wrap(stream(5, 0, 100)));
        assertEquals(7, budget.pagesInUse());
        scrollback.release();
        scrollback.release();
        assertEquals(0, budget.pagesInUse());
        assertEquals(0, budget.scrollbacks());
        scrollback.append(ByteBuffer.wrap(stream(5, 100, 100)));
        assertEquals(0, budget.pagesInUse());
        assertEquals(100, scrollback.start());
        assertEquals(100, scrollback.end());
        assertEquals(0, scrollback.snapshot().length);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentAppendAndCopyAlwaysSeeTheOriginalStream() throws Exception {
        ScrollbackBudget budget = new ScrollbackBudget(1 << 20, 64, 2);
        Scrollback scrollback = new Scrollback(budget, 1024); // small: pages are dropped all the time
        long total = 20_000_000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> copiers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            boolean follower = t == 0;
            copiers.add(Thread.ofPlatform().start(() -> {
                try {
                    ByteBuffer into = ByteBuffer.allocateDirect(follower ? 300 : 97);
                    long next = 0;
                    long copies = 0;
                    while (!done.get() || next < scrollback.end()) {
                        long from = follower ? next : scrollback.end() - ThreadLocalRandom.current().nextInt(1500);
                        into.clear();
                        long first = scrollback.copy(from, into);
                        if (first < Math.max(0, from) || (first > from && !(first <= scrollback.start()))) {
                            throw new AssertionError("copy from " + from + " began at " + first);
                        }
                        into.flip();
                        for (int i = 0; i < into.limit(); i++) {
                            if (into.get(i) != streamByte(0, first + i)) {
                                throw new AssertionError("byte at " + (first + i) + " differs");
                            }
                        }
                        next = first + into.limit();
                        copies++;
                        if (done.get() && !follower) {
                            break;
                        }
                    }
                    assertTrue(copies > 0);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        ByteBuffer chunk = ByteBuffer.allocateDirect(4096);
        for (long at = 0; at < total; ) {
            int n = (int) Math.min(total - at, 1 + ThreadLocalRandom.current().nextInt(4096));
            chunk.clear();
            for (int i = 0; i < n; i++) {
                chunk.put(streamByte(0, at + i));
            }
            chunk.flip();
            scrollback.append(chunk);
            at += n;
        }
        done.set(true);
        for (Thread copier : copiers) {
            copier.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(total, scrollback.end());
        assertArrayEquals(stream(0, scrollback.start(), (int) (total - scrollback.start())), scrollback.snapshot());
    }

    /** Collects chunks copied out. */
    private static final class ByteArrayStream {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void add(ByteBuffer chunk) {
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(chunk.position(), bytes);
            out.write(bytes, 0, bytes.length);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
