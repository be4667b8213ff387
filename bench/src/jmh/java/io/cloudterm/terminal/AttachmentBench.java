package io.cloudterm.terminal;

import io.cloudterm.bench.jmh.QuietPtySystem;
import io.cloudterm.io.BufferPool;
import io.cloudterm.io.ReadBuffers;
import io.cloudterm.protocol.TerminalSize;
import io.cloudterm.pty.PtySpec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Flow control between a terminal's reader and one client, as {@link Terminal} drives
 * {@link Attachment}: {@code deliver4KiB} and {@code deliver64B} are the reader's side of one pty
 * read of that size (take a pooled buffer and fill it; under the terminal's lock wait until
 * {@code wantsOutput()}, then either send it itself, outside the lock, if the lone client is
 * {@code idleFor} it, or {@code enqueue} a shared {@link OutputChunk}), while the attachment's own
 * sender thread takes batches up to 64 KiB, encodes them with {@code ServerMessages.output} and
 * hands them to a client that only counts bytes; the default 256 KiB high-water mark applies. A
 * 64-byte read (an echo) nearly always goes the direct way, a stream of 4 KiB reads mostly through
 * the sender. {@code pauseResume} is a client's PAUSE then RESUME (each takes the lock; RESUME
 * wakes the sender and the reader).
 *
 * <p>The terminal is real but its pty is a {@link QuietPtySystem} one: its own reader thread waits
 * for output that never comes, and this benchmark's thread plays the reader. That is the nearest a
 * benchmark gets to the live path without a real pty and socket; {@code Terminal.deliver} and
 * {@code awaitOutputWanted} are private, so their few lines for one client are repeated here (keep
 * them in step).
 *
 * <p>References, in the same run: {@code ref_blockingQueue4KiB} and {@code ref_blockingQueue64B}
 * (the same pooled buffers, the same batches of up to 16 copied into one array and the buffers
 * returned to the pool, through an {@link ArrayBlockingQueue} of 64 buffers to a consumer virtual
 * thread: a plain bounded handoff without the state machine or the direct path) and
 * {@code ref_lockSignalTwice} (two lock, signal, unlock of a lock nobody else uses: what
 * PAUSE/RESUME cost without a thread to wake).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AttachmentBench {

    private static final int CHUNK = 4096;
    private static final int ECHO = 64;
    /** Buffers per message in the reference: 64 KiB of 4 KiB reads, as the sender's limit. */
    private static final int BATCH = 16;

    private final byte[] payload = new byte[CHUNK];
    private final ReadBuffers pool = new ReadBuffers(new BufferPool(16 * 1024, 4096), new BufferPool(1024, 4096));
    private final AtomicLong sent = new AtomicLong();
    private Terminal terminal;
    private Attachment attachment;

    private ArrayBlockingQueue<ByteBuffer> handoff;
    private Thread consumer;
    private final ReentrantLock plainLock = new ReentrantLock();
    private final Condition plainCondition = plainLock.newCondition();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        java.util.Arrays.fill(payload, (byte) 'x');
        TerminalSettings settings = TerminalSettings.defaults().withKeepAlive(Duration.ZERO);
        terminal = Terminal.start(new QuietPtySystem(), new PtySpec(List.of("sh"), Path.of("/"), Map.of(), 80, 24),
                "bench", pool, settings, null, null);
        attachment = terminal.attach(new TerminalClient() {
            @Override
            public void send(byte[] message) {
                sent.addAndGet(message.length);
            }

            @Override
            public void close(int code, String reason) {
            }
        }, ClientRole.CONTROL, Seat.OWNER, List.of(), new TerminalSize(80, 24));

        handoff = new ArrayBlockingQueue<>(64);
        consumer = Thread.ofVirtual().name("bench-consumer").start(this::consume); // virtual, as the sender
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        attachment.detach(); // the last one, with no keep-alive: the terminal hangs up
        terminal.ended().get(10, TimeUnit.SECONDS);
        consumer.interrupt();
        consumer.join(10_000);
    }

    @Benchmark
    public int deliver4KiB() {
        return deliver(read(CHUNK));
    }

    @Benchmark
    public int deliver64B() {
        return deliver(read(ECHO));
    }

    @Benchmark
    public Attachment pauseResume() {
        attachment.pause();
        attachment.resume();
        return attachment;
    }

    @Benchmark
    public int ref_blockingQueue4KiB() throws InterruptedException {
        ByteBuffer buffer = read(CHUNK);
        handoff.put(buffer);
        return buffer.remaining();
    }

    @Benchmark
    public int ref_blockingQueue64B() throws InterruptedException {
        ByteBuffer buffer = read(ECHO);
        handoff.put(buffer);
        return buffer.remaining();
    }

    @Benchmark
    public ReentrantLock ref_lockSignalTwice() {
        for (int i = 0; i < 2; i++) {
            plainLock.lock();
            try {
                plainCondition.signal();
            } finally {
                plainLock.unlock();
            }
        }
        return plainLock;
    }

    /** A pty read of {@code size} bytes into a pooled buffer, flipped and kept as {@code Terminal} keeps it. */
    private ByteBuffer read(int size) {
        ByteBuffer buffer = pool.acquire();
        buffer.put(payload, 0, size);
        return pool.keep(buffer.flip());
    }

    /** {@code Terminal.awaitOutputWanted} and {@code Terminal.deliver} for one attachment, no scrollback. */
    private int deliver(ByteBuffer buffer) {
        OutputChunk chunk;
        boolean direct = false;
        terminal.lock.lock();
        try {
            while (!attachment.wantsOutput()) {
                // Timed: outputWanted has other waiters in a real terminal, and a signal may go to them.
                terminal.outputWanted.awaitNanos(1_000_000);
            }
            chunk = new OutputChunk(buffer, pool, 2); // the attachment's and the reader's
            if (attachment.readyForDirectSend()) {
                attachment.beginDirectSend();
                direct = true;
            } else if (!attachment.enqueue(chunk)) {
                chunk.release();
            }
            chunk.release();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            terminal.lock.unlock();
        }
        if (direct) {
            attachment.sendDirect(chunk);
        }
        return chunk.size();
    }

    /** The reference's consumer: batches of up to 16 buffers, joined into one array, as the sender does. */
    private void consume() {
        List<ByteBuffer> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(handoff.take());
                handoff.drainTo(batch, BATCH - 1);
                int total = 0;
                for (ByteBuffer b : batch) {
                    total += b.remaining();
                }
                byte[] message = new byte[1 + total];
                int at = 1;
                for (ByteBuffer b : batch) {
                    b.get(b.position(), message, at, b.remaining());
                    at += b.remaining();
                    pool.release(b);
                }
                sent.addAndGet(message.length);
                batch.clear();
            }
        } catch (InterruptedException e) {
            // the benchmark is over
        }
    }
}
