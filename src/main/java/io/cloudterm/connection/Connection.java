package io.cloudterm.connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * One open client connection, message by message. Sends are serialized by the connection itself
 * (any thread may send) and block while the client is slow: that is the back-pressure. Once the
 * connection is closing or closed, a send throws.
 */
public interface Connection {

    /** Sends one binary message. */
    void send(byte[] message) throws IOException;

    /**
     * Sends one binary message made of {@code prefix}, then the remaining bytes of {@code parts},
     * without moving their positions and without joining them: a transport that can hand pooled
     * direct buffers to the kernel as they are does so, which keeps terminal output copy-free.
     */
    void send(byte[] prefix, List<ByteBuffer> parts) throws IOException;

    /** Asks the client for a sign of life; the answer reaches {@link ConnectionListener#heard()}. Never throws. */
    void ping();

    /**
     * Starts the closing handshake with {@code code} and {@code reason} (cut to fit the protocol),
     * once; the connection then ends when the client answers, or after a grace period. Never throws.
     */
    void close(int code, String reason);

    /**
     * Gives up on a client that stopped answering: a close frame if it can be written within a
     * moment, then the connection closed at once, which also ends a send blocked on it.
     */
    void abandon(int code, String reason);

    /** Whether the connection is still open (not yet closed on our side or the client's). */
    boolean open();

    /** The client's address as the socket sees it (never a header's). */
    String remoteHost();

    /** The client certificate the TLS handshake verified, if the connection is TLS with one. */
    Optional<X509Certificate> clientCertificate();
}
