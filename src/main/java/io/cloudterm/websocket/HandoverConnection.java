package io.cloudterm.websocket;

import io.cloudterm.io.RawSocket;
import io.cloudterm.io.SocketFds;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import io.helidon.common.concurrency.limits.Limit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The connection Helidon runs after our 101 when a {@link Handover} takes the bytes: the socket
 * goes to it, taken over as {@link Takeover} does, or Helidon's stream does where it cannot be.
 */
final class HandoverConnection implements ServerConnection {

    private static final Logger LOG = Logger.getLogger(HandoverConnection.class.getName());

    private final DirectUpgrader upgrader;
    private final ConnectionContext ctx;
    private final Handover handover;
    private final boolean takeOver;

    HandoverConnection(DirectUpgrader upgrader, ConnectionContext ctx, Handover handover, boolean takeOver) {
        this.upgrader = upgrader;
        this.ctx = ctx;
        this.handover = handover;
        this.takeOver = takeOver;
    }

    @Override
    public void handle(Limit limit) {
        if (takeOver) {
            try {
                int fd = SocketFds.of(ctx.serverSocket());
                if (fd < 0) {
                    throw new IOException("the socket has no fd now");
                }
                RawSocket socket = upgrader.sockets().orElseThrow().adopt(fd);
                handover.socket(socket, Takeover.readAhead(ctx.dataReader()));
                return;
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "connection not taken over; relayed over Helidon's stream", e);
            }
        }
        ByteBuffer readAhead = Takeover.readAhead(ctx.dataReader());
        // The JDK socket where it can be reached, so that the relay's half-close is a shutdown of
        // our output (a TLS close_notify), not a close: the client may still be sending.
        java.net.Socket socket = SocketFds.javaSocket(ctx.serverSocket());
        java.io.Closeable connection = socket != null ? socket : () -> ctx.serverSocket().close();
        handover.stream(new ReaderStream(ctx.dataReader()), new WriterStream(ctx), connection, readAhead);
    }

    @Override
    public Duration idleTime() {
        return Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {
        ctx.serverSocket().close();
    }

    /** Helidon's reader as a stream: what is there, blocking while nothing is. */
    private static final class ReaderStream extends InputStream {
        private final DataReader reader;

        ReaderStream(DataReader reader) {
            this.reader = reader;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            try {
                reader.ensureAvailable();
            } catch (DataReader.InsufficientDataAvailableException e) {
                return -1;
            } catch (RuntimeException e) {
                throw new IOException("the connection failed", e);
            }
            int n = Math.min(len, reader.available());
            byte[] bytes = reader.readBytes(n);
            System.arraycopy(bytes, 0, b, off, n);
            return n;
        }
    }

    /** Helidon's writer as a stream: each write written and flushed, as Helidon writes its responses. */
    private static final class WriterStream extends OutputStream {
        private final ConnectionContext ctx;

        WriterStream(ConnectionContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                // A fresh array each time: Helidon's writer may still hold the last one (its queue).
                ctx.dataWriter().write(BufferData.create(java.util.Arrays.copyOfRange(b, off, off + len)));
                ctx.dataWriter().flush();
            } catch (RuntimeException e) {
                throw new IOException("the connection failed", e);
            }
        }
    }
}
