package io.cloudterm.websocket;

import io.cloudterm.io.RawSocket;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
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
    private final WsListener listener;
    private final String subProtocol;

    Takeover(DirectUpgrader upgrader, ConnectionContext ctx, WsListener listener, String subProtocol) {
        this.upgrader = upgrader;
        this.ctx = ctx;
        this.listener = listener;
        this.subProtocol = subProtocol;
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
            new StreamConnection(upgrader, ctx, listener, subProtocol).handle(limit);
            return;
        }
        FixedSocketContext context = new FixedSocketContext(FixedPeer.of(ctx.remotePeer()),
                upgrader.local(FixedPeer.of(ctx.localPeer())), ctx.socketId(), ctx.childSocketId());
        ByteBuffer readAhead = readAhead(ctx.dataReader());
        PolledTransport transport = new PolledTransport(socket, upgrader.readBuffers());
        DirectWebSocket connection = upgrader.connection(transport, listener, context, subProtocol, true);
        connection.opened();
        transport.start(connection, readAhead);
    }

    /** Bytes Helidon read past the upgrade request (a client that did not wait for the 101). */
    private static ByteBuffer readAhead(DataReader reader) {
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
