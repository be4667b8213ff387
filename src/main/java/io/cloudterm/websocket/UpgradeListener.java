package io.cloudterm.websocket;

import io.helidon.common.socket.PeerInfo;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsUpgradeException;
import java.util.Optional;

/**
 * A WebSocket listener that decides its upgrade knowing who is at the other end of the connection:
 * Helidon's {@link WsListener#onHttpUpgrade(HttpPrologue, Headers)} gives no peer, and without one
 * no login throttle can apply to a credential sent with the upgrade.
 */
public interface UpgradeListener extends WsListener {

    /**
     * The headers to add to the 101, or {@link WsUpgradeException} to refuse the upgrade.
     *
     * @param peer the connection's far end (its address is the socket's, never a header's)
     */
    Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers, PeerInfo peer) throws WsUpgradeException;

    /** Refused: an upgrade is decided only with its peer, by the method above. */
    @Override
    default Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        throw new WsUpgradeException("an upgrade is decided only knowing its peer");
    }
}
