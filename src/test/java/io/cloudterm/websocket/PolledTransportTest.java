package io.cloudterm.websocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudterm.connection.Connection;
import io.cloudterm.connection.ConnectionListener;
import io.cloudterm.io.BufferPool;
import io.cloudterm.io.RawSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** When the reader of a taken-over socket reads again and when it hands the socket back to the poller. */
class PolledTransportTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    /** What the kernel holds for the socket, handed out as reads ask; the poller's action is kept for the test to fire. */
    private static final class KernelSocket implements RawSocket {
        private final ByteBuffer held = ByteBuffer.allocate(1024).flip();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger armed = new AtomicInteger();
        final AtomicReference<Runnable> waiting = new AtomicReference<>();

        synchronized void arrive(byte[] bytes) {
            held.compact().put(bytes).flip();
        }

        @Override
        public synchronized int read(ByteBuffer dst) {
            reads.incrementAndGet();
            int n = Math.min(held.remaining(), dst.remaining());
            dst.put(held.slice(held.position(), n));
            held.position(held.position() + n);
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException("nothing is sent in these stories");
        }

        @Override
        public void awaitWritable() {
        }

        @Override
        public void onReadable(Runnable action) {
            waiting.set(action);
            armed.incrementAndGet();
        }

        /** The poller's event: runs the waiting action once. */
        void fire() {
            waiting.getAndSet(null).run();
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
        }

        @Override
        public boolean closed() {
            return false;
        }
    }

    /** Counts whole messages. */
    private static final class Messages implements ConnectionListener {
        final List<Integer> sizes = new CopyOnWriteArrayList<>();
        private int size;

        @Override
        public void opened(Connection connection) {
        }

        @Override
        public void message(ByteBuffer piece, boolean last) {
            size += piece.remaining();
            piece.position(piece.limit());
            if (last) {
                sizes.add(size);
                size = 0;
            }
        }

        @Override
        public void heard() {
        }

        @Override
        public void closed(int code, String reason) {
        }

        @Override
        public void error(Throwable failure) {
        }
    }

    private final KernelSocket socket = new KernelSocket();
    private final Messages messages = new Messages();

    /** A masked binary frame of one byte: 7 bytes on the wire. */
    private static byte[] keystroke() {
        return ClientFrames.frame(0x82, new byte[] {'a'}, true);
    }

    private void open(int bufferSize) {
        PolledTransport transport = new PolledTransport(socket, new BufferPool(bufferSize, 1));
        DirectWebSocket connection = new DirectWebSocket(transport, messages, "192.0.2.7", Optional.empty(), 1 << 20, closed -> { });
        transport.start(connection, ByteBuffer.allocate(0));
    }

    @Test
    void aKeystrokeThatLeavesRoomInTheBufferCostsOneReadBeforeThePollerIsArmedAgain() {
        open(64);
        assertEquals(1, socket.armed.get());
        socket.arrive(keystroke());
        socket.fire();
        await().atMost(LIMIT).until(() -> socket.armed.get() == 2);
        assertEquals(List.of(1), messages.sizes);
        assertEquals(1, socket.reads.get(), "the socket was empty after the first read: no second read to hear EAGAIN");
    }

    @Test
    void aReadThatFillsTheBufferIsFollowedByAnotherBeforeThePollerIsArmed() {
        open(8);
        socket.arrive(keystroke());
        socket.arrive(keystroke());
        socket.fire();
        await().atMost(LIMIT).until(() -> socket.armed.get() == 2);
        assertEquals(List.of(1, 1), messages.sizes, "both frames read in one wake-up");
        assertEquals(2, socket.reads.get(), "8 bytes, then the 6 that were left");
    }

    @Test
    void bytesThatCameAfterTheShortReadAreReadOnTheNextWakeUp() {
        open(64);
        socket.arrive(keystroke());
        socket.fire();
        await().atMost(LIMIT).until(() -> socket.armed.get() == 2);
        socket.arrive(keystroke());
        socket.fire();
        await().atMost(LIMIT).until(() -> socket.armed.get() == 3);
        assertEquals(List.of(1, 1), messages.sizes);
    }
}
