package io.cloudterm.web;

import io.cloudterm.connection.Connection;
import java.security.cert.X509Certificate;
import java.util.Optional;

/** A fake connection's identity: a client on loopback, without TLS. Each test fake adds what it records. */
abstract class LoopbackConnection implements Connection {

    @Override
    public String remoteHost() {
        return "127.0.0.1";
    }

    @Override
    public Optional<X509Certificate> clientCertificate() {
        return Optional.empty();
    }
}
