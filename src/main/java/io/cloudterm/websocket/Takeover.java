package io.cloudterm.websocket;

import io.cloudterm.io.RawSocket;
import io.cloudterm.io.SocketFds;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The connection Helidon runs after our 101: on Helidon's connection thread, it moves the socket
 * to a {@link DirectWebSocket} and returns, and Helidon's thread ends, with its read buffer and
 * its stack. Helidon then closes its own fd of the socket, which (by {@code RawSockets.adopt})
 * neither shuts the connection down nor resets it.
 *
 * <p>Should the takeover fail (the fd is gone, the poller stopped), the client is served on this
 * thread over Helidon's stream instead ({@link StreamConnection}), as where nothing is taken over.
 */
final class Takeover implements ServerConnection {

    private static final Logger LOG = Logger.getLogger(Takeover.class.getName());

    private final DirectUpgrader upgrader;
    private final ConnectionContext ctx;
    private final UpgradeListener listener;

    Takeover(DirectUpgrader upgrader, ConnectionContext ctx, UpgradeListener listener) {
        this.upgrader = upgrader;
        this.ctx = ctx;
        this.listener = listener;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        RawSocket socket;
        try {
            int fd = SocketFds.of(ctx.serverSocket());
            if (fd < 0) {
                throw new IOException("the socket has no fd now");
            }
            socket = upgrader.sockets().orElseThrow().adopt(fd);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "WebSocket not taken over; served over Helidon's stream", e);
            new StreamConnection(upgrader, ctx, listener).handle(limit);
            return;
        }
        ByteBuffer readAhead = readAhead(ctx.dataReader());
        PolledTransport transport = new PolledTransport(socket, upgrader.readBuffers());
        // The address is copied: Helidon's peer reads it from the socket it wraps, and would keep that
        // socket (with its buffers) reachable for the connection's life. Plain TCP: no certificate.
        DirectWebSocket connection = upgrader.connection(transport, listener, ctx.remotePeer().host(), Optional.empty(), true);
        connection.opened();
        transport.start(connection, readAhead);
    }

    /** Bytes Helidon read past the upgrade request (a client that did not wait for the 101). */
    static ByteBuffer readAhead(DataReader reader) {
        int available = reader.available();
        return ByteBuffer.wrap(available > 0 ? reader.readBytes(available) : new byte[0]);
    }

    @Override
    public Duration idleTime() {
        return Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {
        // Helidon stopping during the takeover: the upgrader's closeAll ends taken-over connections.
    }
}
