package io.cloudterm.web;

import io.helidon.common.socket.PeerInfo;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.Optional;

/** The far end of a plain-TCP loopback connection, as Helidon would report it. */
final class LoopbackPeer implements PeerInfo {

    @Override
    public SocketAddress address() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return 40000;
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
