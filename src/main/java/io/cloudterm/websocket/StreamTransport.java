package io.cloudterm.websocket;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A WebSocket on Helidon's own connection, read and written through its reader and writer: the
 * transport where a socket cannot be taken over (TLS, whose bytes pass through the JDK's
 * SSLEngine; pure-Java mode). Helidon's connection thread reads, blocked while the client is quiet.
 */
final class StreamTransport implements FrameTransport {

    private final ConnectionContext ctx;

    StreamTransport(ConnectionContext ctx) {
        this.ctx = ctx;
    }

    /** Hands {@code connection} what the client sends (Helidon's read-ahead first) until the stream ends; blocks. */
    void readUntilEnd(DirectWebSocket connection) {
        DataReader reader = ctx.dataReader();
        while (true) {
            try {
                reader.ensureAvailable();
            } catch (DataReader.InsufficientDataAvailableException e) {
                connection.ended(null);
                return;
            } catch (RuntimeException e) {
                // Helidon's wrapping of a failed read (a reset, or the socket closed under us).
                connection.ended(new IOException("the connection failed", e));
                return;
            }
            connection.received(ByteBuffer.wrap(reader.readBytes(reader.available())));
        }
    }

    @Override
    public void write(ByteBuffer[] buffers) throws IOException {
        int length = 0;
        for (ByteBuffer buffer : buffers) {
            length += buffer.remaining();
        }
        byte[] frame = new byte[length];
        int at = 0;
        for (ByteBuffer buffer : buffers) {
            int n = buffer.remaining();
            buffer.get(buffer.position(), frame, at, n);
            at += n;
        }
        try {
            // write and flush, as Helidon writes its HTTP responses: a writer with a queue must see one kind of write.
            ctx.dataWriter().write(BufferData.create(frame));
            ctx.dataWriter().flush();
        } catch (RuntimeException e) {
            throw new IOException("the connection failed", e);
        }
    }

    /**
     * Helidon's sockets cannot half-close (a TLS socket has one close for both directions), so
     * this closes, as Helidon's own WebSocket does once the close frames have crossed.
     */
    @Override
    public void shutdownOutput() {
        close();
    }

    @Override
    public void close() {
        ctx.serverSocket().close();
    }
}
