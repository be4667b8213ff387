package io.cloudterm.websocket;

import io.helidon.common.Weight;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.spi.Http1UpgradeProvider;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsUpgrader;
import java.util.Optional;

/**
 * The WebSocket upgrade of every HTTP/1 listener in this JVM, registered with the service loader
 * above Helidon's own (weight): the terminal path of a CloudTerm mounted in the application is
 * answered by that CloudTerm's {@link DirectUpgrader} (the same one the stand-alone server uses,
 * taking sockets over in native mode); every other path goes to Helidon's WebSocket, with the
 * listener's own {@code websocket} protocol configuration, as if we were not there.
 */
@Weight(SharedWebSocketUpgrades.WEIGHT)
public final class SharedWebSocketUpgrades implements Http1UpgradeProvider<WsConfig> {

    /** Above Helidon's WsUpgradeProvider (the default weight, 100): the first of a protocol wins. */
    static final double WEIGHT = 110;

    /** For the service loader. */
    public SharedWebSocketUpgrades() {
    }

    @Override
    public String protocolType() {
        return "websocket";
    }

    @Override
    public Class<WsConfig> protocolConfigType() {
        return WsConfig.class;
    }

    @Override
    public Http1Upgrader create(WsConfig config, ProtocolConfigs configs) {
        return new Shared(WsUpgrader.create(config));
    }

    private record Shared(WsUpgrader helidon) implements Http1Upgrader {
        @Override
        public String supportedProtocol() {
            return "websocket";
        }

        @Override
        public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
            Optional<DirectUpgrader> ours = UpgradeRoutes.find(ctx.localPeer().port(), prologue.uriPath().path());
            return ours.isPresent() ? ours.get().upgrade(ctx, prologue, headers) : helidon.upgrade(ctx, prologue, headers);
        }
    }
}
