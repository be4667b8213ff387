package io.cloudterm.websocket;

import io.cloudterm.io.SocketFds;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import java.io.IOException;
import java.net.Socket;
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
     * Half-closes the JDK socket under Helidon's (over TLS, a close_notify), and the reader goes on
     * dropping what the client still sends until it closes too: closing at once with its bytes
     * unread would make the kernel reset the connection, which can destroy our close frame before
     * the client reads it. Where the JDK socket is out of reach, this closes.
     */
    @Override
    public void shutdownOutput() {
        Socket socket = SocketFds.javaSocket(ctx.serverSocket());
        try {
            if (socket != null) {
                socket.shutdownOutput();
                return;
            }
        } catch (IOException | RuntimeException e) {
            // Already closed, or a socket that cannot half-close: close it whole.
        }
        close();
    }

    @Override
    public void close() {
        ctx.serverSocket().close();
    }
}
