package io.cloudterm.websocket;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsListener;
import java.time.Duration;

/**
 * The connection Helidon runs after our 101 where the socket stays Helidon's: the WebSocket is
 * served on Helidon's connection thread over its reader and writer ({@link StreamTransport}),
 * with our decoder, and the thread ends with the connection.
 */
final class StreamConnection implements ServerConnection {

    private final DirectUpgrader upgrader;
    private final ConnectionContext ctx;
    private final WsListener listener;
    private final String subProtocol;
    private volatile DirectWebSocket connection;

    StreamConnection(DirectUpgrader upgrader, ConnectionContext ctx, WsListener listener, String subProtocol) {
        this.upgrader = upgrader;
        this.ctx = ctx;
        this.listener = listener;
        this.subProtocol = subProtocol;
    }

    @Override
    public void handle(Limit limit) {
        StreamTransport transport = new StreamTransport(ctx);
        // The context is Helidon's own, so a listener still sees the TLS peer and its certificate.
        DirectWebSocket opened = upgrader.connection(transport, listener, ctx, subProtocol, false);
        connection = opened;
        opened.opened();
        transport.readUntilEnd(opened);
    }

    /** Never idle in Helidon's sense: the heartbeat decides when a quiet client is gone. */
    @Override
    public Duration idleTime() {
        return Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {
        DirectWebSocket opened = connection;
        if (opened != null) {
            opened.terminate();
        }
    }
}
