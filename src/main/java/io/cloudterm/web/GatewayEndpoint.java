package io.cloudterm.web;

import io.cloudterm.connection.Connection;
import io.cloudterm.gateway.Gateway;
import io.cloudterm.protocol.CloseCodes;
import io.cloudterm.websocket.Handover;
import io.cloudterm.websocket.UpgradeListener;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * A terminal WebSocket at a gateway: the upgrade is judged here as a terminal's is on a server of
 * its own (Host, Origin, the session), then the connection goes to the {@link Gateway}, which
 * relays it to the terminal's host. No frame of it is read here.
 */
final class GatewayEndpoint implements UpgradeListener {

    private static final HeaderName SUBPROTOCOLS = HeaderNames.create("Sec-WebSocket-Protocol");

    private final ServerContext server;
    private final Gateway gateway;
    private Handover handover;

    GatewayEndpoint(ServerContext server, Gateway gateway) {
        this.server = server;
        this.gateway = gateway;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers, PeerInfo remote) throws Refused {
        RequestAuth.RequestView view = new RequestAuth.RequestView(prologue.uriPath().path(),
                prologue.query().contains("t"), headers, remote);
        String user = switch (server.auth().decide(view, RequestAuth.Purpose.UPGRADE)) {
            case RequestAuth.Allowed allowed -> allowed.who().principal().name();
            // Someone with a link and no login: the host is told so (a visitor's identity, for the
            // terminal named) and lets them watch if the link's token, in their first message, allows it.
            case RequestAuth.Visitor visitor -> "";
            // Helidon then routes the request as plain HTTP, where AuthFilter answers the status.
            case RequestAuth.Refused refused -> throw new Refused(refused.refusal().reason());
            case RequestAuth.Open open -> throw new Refused("a terminal needs a user");
            case RequestAuth.Redirect redirect -> throw new Refused("log in first");
        };
        boolean offersTty = headers.first(SUBPROTOCOLS).stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .anyMatch(p -> p.trim().equals(TerminalEndpoint.SUBPROTOCOL));
        if (!offersTty) {
            throw new Refused("a gateway relays the tty subprotocol only");
        }
        handover = gateway.handover(user, prologue.query().rawValue(), prologue.query().first("t").asOptional());
        WritableHeaders<?> answer = WritableHeaders.create();
        answer.set(SUBPROTOCOLS, TerminalEndpoint.SUBPROTOCOL);
        return Optional.of(answer);
    }

    @Override
    public Optional<Handover> handover() {
        return Optional.ofNullable(handover);
    }

    // The relay takes the connection's bytes: no Connection is opened for this listener.

    @Override
    public void opened(Connection connection) {
        connection.close(CloseCodes.SERVER_ERROR, "relayed connections are not served here");
    }

    @Override
    public void message(ByteBuffer piece, boolean last) {
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
