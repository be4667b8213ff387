package io.cloudterm.web;

import io.cloudterm.connection.Connection;
import io.helidon.common.socket.PeerInfo;
import java.util.Optional;

/**
 * The far end of a connection as the auth layer needs it: its address, and the user name its
 * verified TLS client certificate carries (mutual TLS), if any.
 */
record Peer(String address, Optional<String> certificateSubject) {

    static Peer of(PeerInfo info) {
        return new Peer(info.host(), TlsSettings.clientSubject(info));
    }

    static Peer of(Connection connection) {
        return new Peer(connection.remoteHost(), TlsSettings.clientSubject(connection.clientCertificate()));
    }
}
