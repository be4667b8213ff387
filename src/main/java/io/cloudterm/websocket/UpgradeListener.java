package io.cloudterm.websocket;

import io.cloudterm.connection.ConnectionListener;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import java.util.Optional;

/**
 * The listener of one WebSocket, which first decides its upgrade knowing who is at the other end
 * of the connection (without a peer, no login throttle could apply to a credential sent with the
 * upgrade), then holds the conversation on the {@link io.cloudterm.connection.Connection} it is opened with.
 */
public interface UpgradeListener extends ConnectionListener {

    /**
     * The headers to add to the 101, or {@link Refused} to refuse the upgrade.
     *
     * @param peer the connection's far end (its address is the socket's, never a header's)
     */
    Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers, PeerInfo peer) throws Refused;

    /**
     * Who takes the connection's bytes after the 101 instead of our frame decoder, if anyone (the
     * gateway's relay); then no {@link io.cloudterm.connection.Connection} is opened for this listener.
     */
    default java.util.Optional<Handover> handover() {
        return java.util.Optional.empty();
    }

    /** The upgrade is refused: the request is then routed as plain HTTP, whose handler answers the status. */
    final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
