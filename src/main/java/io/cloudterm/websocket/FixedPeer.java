package io.cloudterm.websocket;

import io.helidon.common.socket.PeerInfo;
import java.net.SocketAddress;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.Optional;

/**
 * A peer's address, copied at the takeover: Helidon's own {@code PeerInfo} reads it from the
 * socket it wraps, and would keep that socket (with its buffers) reachable for the connection's
 * life. Plain TCP only, so there is no certificate.
 */
record FixedPeer(SocketAddress address, String host, int port) implements PeerInfo {

    static FixedPeer of(PeerInfo peer) {
        return new FixedPeer(peer.address(), peer.host(), peer.port());
    }

    @Override
    public Optional<Principal> tlsPrincipal() {
        return Optional.empty();
    }

    @Override
    public Optional<Certificate[]> tlsCertificates() {
        return Optional.empty();
    }
}
