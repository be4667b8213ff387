package io.cloudterm.websocket;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;

/**
 * The connection Helidon runs after our 101 where the socket stays Helidon's: the WebSocket is
 * served on Helidon's connection thread over its reader and writer ({@link StreamTransport}),
 * with our decoder, and the thread ends with the connection.
 */
final class StreamConnection implements ServerConnection {

    private final DirectUpgrader upgrader;
    private final ConnectionContext ctx;
    private final UpgradeListener listener;
    private volatile DirectWebSocket connection;

    StreamConnection(DirectUpgrader upgrader, ConnectionContext ctx, UpgradeListener listener) {
        this.upgrader = upgrader;
        this.ctx = ctx;
        this.listener = listener;
    }

    @Override
    public void handle(Limit limit) {
        StreamTransport transport = new StreamTransport(ctx);
        // The TLS handshake is over (the upgrade request came through it): its verified client certificate is known.
        DirectWebSocket opened = upgrader.connection(transport, listener, ctx.remotePeer().host(), clientCertificate(), false);
        connection = opened;
        opened.opened();
        transport.readUntilEnd(opened);
    }

    private Optional<X509Certificate> clientCertificate() {
        return ctx.remotePeer().tlsCertificates()
                .filter(chain -> chain.length > 0 && chain[0] instanceof X509Certificate)
                .map(chain -> (X509Certificate) chain[0]);
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
