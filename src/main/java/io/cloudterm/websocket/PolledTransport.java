package io.cloudterm.websocket;

import io.cloudterm.io.BufferPool;
import io.cloudterm.io.RawSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;

/**
 * A WebSocket's socket taken over from Helidon and driven by the native poller. No thread waits
 * for a quiet client: when bytes come, the poller starts a virtual thread that reads all there is
 * into a pooled buffer, hands it to the connection, and arms the poller again before it ends, so
 * one reader runs at a time. A read that leaves room in the buffer has emptied the socket, so the
 * reader arms the poller at once instead of reading again only to hear EAGAIN: a keystroke costs
 * one read, not two (arming asks the kernel for readiness, so bytes that came in between still
 * wake a reader). Writes gather the buffers (pooled direct ones untouched) into the
 * kernel, parking on the poller, not a carrier, while the client is slow.
 *
 * <p>Where a keystroke's round trip spends the server's CPU (one byte into {@code cat} and back,
 * JFR CPU-time samples on 2 cores, about 35 µs a key in all): a third goes to the virtual-thread
 * scheduler, as each direction is one hand-off from the poller's thread to a carrier and the
 * idle carriers spin and park around it; a third to the system calls that carry the bytes
 * ({@code writev} of the OUTPUT frame, {@code write} into the pty, and one {@code read} each
 * way), whose kernel side also wakes {@code cat} and the client; a fifth to the poller's
 * {@code epoll_wait} and the two {@code epoll_ctl} re-arms. Decoding, the terminal and flow
 * control are a few percent. A reader thread parked per connection instead of one started per
 * event would still be woken through the same scheduler and would hold a stack for every idle
 * client, so the thread is started only when bytes have come.
 */
final class PolledTransport implements FrameTransport {

    private static final ThreadFactory READERS = Thread.ofVirtual().name("cloudterm-ws-reader").factory();

    private final RawSocket socket;
    private final BufferPool readBuffers;
    private DirectWebSocket connection;

    PolledTransport(RawSocket socket, BufferPool readBuffers) {
        this.socket = socket;
        this.readBuffers = readBuffers;
    }

    /** Hands {@code connection} what Helidon had read ahead, then what comes, until the stream ends. */
    void start(DirectWebSocket connection, ByteBuffer readAhead) {
        this.connection = connection;
        if (readAhead.hasRemaining()) {
            connection.received(readAhead);
        }
        awaitInput();
    }

    private void awaitInput() {
        socket.onReadable(() -> READERS.newThread(this::readWhileAvailable).start());
    }

    private void readWhileAvailable() {
        ByteBuffer buffer = readBuffers.acquire();
        try {
            while (true) {
                buffer.clear();
                int read = socket.read(buffer);
                if (read == 0) {
                    awaitInput();
                    return;
                }
                if (read < 0) {
                    connection.ended(null);
                    return;
                }
                boolean drained = buffer.hasRemaining();
                buffer.flip();
                connection.received(buffer);
                if (drained) {
                    awaitInput();
                    return;
                }
            }
        } catch (IOException e) {
            connection.ended(e);
        } finally {
            readBuffers.release(buffer);
        }
    }

    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        int first = 0;
        while (first < buffers.length) {
            long written = socket.write(buffers, first, buffers.length - first);
            while (first < buffers.length && !buffers[first].hasRemaining()) {
                first++;
            }
            if (written == 0 && first < buffers.length) {
                socket.awaitWritable();
            }
        }
    }

    /**
     * A FIN after what we sent; what the client still sends (a late pong, a keystroke) is read and
     * dropped until it closes too. Closing at once would leave those bytes unread, and the kernel
     * then resets the connection, which can destroy output the client has received but not yet read.
     */
    @Override
    public void shutdownOutput() {
        socket.shutdownOutput();
    }

    @Override
    public void close() {
        socket.close();
    }
}
