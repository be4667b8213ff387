package io.cloudterm.terminal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.pty.ExitStatus;
import io.cloudterm.pty.Pty;
import io.cloudterm.pty.Signal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Input on its way to the child: straight in when the pty takes it at once, else queued, bounded,
 * for one writer thread that may block, in the order it was typed, each byte once. The test plays
 * the child: how much its pty takes at once, and when a blocking write gets through.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InputWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The child's side of the pty's input: what it has read, and how. */
    private static final class ChildInput implements Pty {
        private final ByteArrayOutputStream read = new ByteArrayOutputStream();
        /** Bytes a non-blocking write may put in now; the rest would block. */
        volatile int roomNow = Integer.MAX_VALUE;
        /** One permit per blocking write the child lets through. */
        final Semaphore readsBlockingWrite = new Semaphore(0);
        final AtomicInteger writeNowCalls = new AtomicInteger();
        final AtomicInteger blockingWritesBegun = new AtomicInteger();
        volatile boolean gone;

        @Override
        public int writeNow(ByteBuffer src) throws IOException {
            writeNowCalls.incrementAndGet();
            if (gone) {
                throw new IOException("EIO: the child's terminal is gone");
            }
            int n = Math.min(roomNow, src.remaining());
            take(src, n);
            return n;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            blockingWritesBegun.incrementAndGet();
            readsBlockingWrite.acquireUninterruptibly();
            if (gone) {
                throw new IOException("EIO: the child's terminal is gone");
            }
            take(src, src.remaining());
        }

        private void take(ByteBuffer src, int n) {
            byte[] bytes = new byte[n];
            src.get(bytes);
            synchronized (read) {
                read.writeBytes(bytes);
            }
        }

        String read() {
            synchronized (read) {
                return read.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public long pid() {
            return -1;
        }

        @Override
        public int read(ByteBuffer dst) {
            throw new UnsupportedOperationException("input only");
        }

        @Override
        public void resize(int columns, int rows) {
        }

        @Override
        public void signalGroup(Signal signal) {
        }

        @Override
        public Optional<ExitStatus> exitStatus() {
            return Optional.empty();
        }

        @Override
        public ExitStatus waitFor() {
            throw new UnsupportedOperationException("input only");
        }

        @Override
        public void close() {
        }
    }

    private final ChildInput child = new ChildInput();
    /** Every writer thread the input writer started: a test waits for them to end. */
    private final List<Thread> writers = new CopyOnWriteArrayList<>();
    private final InputWriter input = new InputWriter(child, 10, task -> writers.add(Thread.ofVirtual().start(task)));

    @AfterEach
    void letTheWritersEnd() {
        input.stop();
        child.readsBlockingWrite.release(1000);
    }

    @Test
    void aKeystrokeThePtyTakesAtOnceGoesStraightInWithoutAThread() {
        assertTrue(input.offer(bytes("l")));
        assertTrue(input.offer(bytes("s\r")));
        assertEquals("ls\r", child.read());
        assertEquals(List.of(), writers, "an idle terminal holds no writer thread");
        assertEquals(0, child.blockingWritesBegun.get());
    }

    @Test
    void whatThePtyTakesOnlyPartOfIsFinishedByTheWriterWholeAndOnce() throws Exception {
        child.roomNow = 3;
        assertTrue(input.offer(bytes("hello")));
        assertEquals("hel", child.read(), "what fit went in at once");
        child.readsBlockingWrite.release();
        awaitWritersEnded();
        assertEquals("hello", child.read(), "then the rest, not the whole again");
    }

    @Test
    void inputTypedWhileSomeWaitsQueuesBehindItEvenOnceThePtyHasRoom() throws Exception {
        child.roomNow = 0; // the child is busy
        assertTrue(input.offer(bytes("a")));
        await().atMost(WAIT).until(() -> child.blockingWritesBegun.get() == 1);
        assertTrue(input.offer(bytes("b")));
        child.roomNow = Integer.MAX_VALUE; // room again, but "a" has not gone in yet
        assertTrue(input.offer(bytes("c")));
        assertEquals("", child.read(), "nothing may overtake what waits");
        assertEquals(1, child.writeNowCalls.get(), "while the writer owns the order, nobody else writes");

        child.readsBlockingWrite.release(3);
        awaitWritersEnded();
        assertEquals("abc", child.read());
        assertEquals(1, writers.size(), "one writer wrote all that waited");

        assertTrue(input.offer(bytes("d")));
        assertEquals("abcd", child.read(), "with nothing waiting, input goes straight in again");
        assertEquals(1, writers.size());
    }

    @Test
    void pastTheBoundOfWaitingInputOfferSaysNoAndTheChunkBeingWrittenStillCounts() throws Exception {
        child.roomNow = 0;
        assertTrue(input.offer(bytes("123456")));
        await().atMost(WAIT).until(() -> child.blockingWritesBegun.get() == 1);
        assertTrue(input.offer(bytes("7890")), "10 bytes waiting: the bound, not past it");
        assertFalse(input.offer(bytes("!")), "the child reads nothing: the client is to be cut off");

        child.readsBlockingWrite.release(); // the first chunk gets through, the second blocks
        await().atMost(WAIT).until(() -> child.blockingWritesBegun.get() == 2);
        assertEquals("123456", child.read());
        assertTrue(input.offer(bytes("!")), "six bytes written, room for more");
        child.readsBlockingWrite.release(2);
        awaitWritersEnded();
        assertEquals("1234567890!", child.read(), "a refused offer left nothing behind");
    }

    @Test
    void stopDropsWhatWaitsAndInputAfterItIsIgnored() throws Exception {
        child.roomNow = 0;
        assertTrue(input.offer(bytes("abc")));
        await().atMost(WAIT).until(() -> child.blockingWritesBegun.get() == 1);
        assertTrue(input.offer(bytes("def")));
        input.stop(); // the child exited
        child.readsBlockingWrite.release(2); // the write under way ends (a real pty's close ends it)
        awaitWritersEnded();
        assertEquals("abc", child.read(), "what waited was dropped");

        assertTrue(input.offer(bytes("ghi")), "input after the exit is no error: the exit tells the client");
        assertEquals("abc", child.read());
        assertEquals(1, child.writeNowCalls.get(), "nor is it tried");
    }

    @Test
    void aPtyThatFailsEndsInputQuietly() throws Exception {
        child.gone = true;
        assertTrue(input.offer(bytes("x")), "not the client's fault: the child's exit reaches it");
        assertTrue(input.offer(bytes("y")));
        assertEquals(1, child.writeNowCalls.get(), "a terminal that is gone is not written again");
        assertEquals(List.of(), writers);
    }

    @Test
    void aBlockingWriteThatFailsDropsTheRest() throws Exception {
        child.roomNow = 0;
        assertTrue(input.offer(bytes("abc")));
        await().atMost(WAIT).until(() -> child.blockingWritesBegun.get() == 1);
        assertTrue(input.offer(bytes("def")));
        child.gone = true;
        child.readsBlockingWrite.release(2);
        awaitWritersEnded();
        assertEquals(1, child.blockingWritesBegun.get(), "nothing more was tried");
        child.gone = false;
        assertTrue(input.offer(bytes("ghi")));
        assertEquals("", child.read(), "input stopped with the pty");
    }

    private void awaitWritersEnded() throws InterruptedException {
        for (Thread writer : writers) {
            assertTrue(writer.join(WAIT), "the writer thread ends once nothing waits");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
