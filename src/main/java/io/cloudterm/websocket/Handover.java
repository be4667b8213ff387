package io.cloudterm.websocket;

import io.cloudterm.io.RawSocket;
import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Who takes a connection's bytes after our 101 instead of our frame decoder: the gateway, which
 * relays them to a host as they are. Given the socket taken over from Helidon where that can be
 * (plain TCP, native mode), otherwise Helidon's stream.
 */
public interface Handover {

    /**
     * The connection's socket, now the handover's to close; {@code readAhead}: bytes the client
     * sent after its request (flipped). Returns at once: Helidon's thread ends.
     */
    void socket(RawSocket client, ByteBuffer readAhead);

    /**
     * The connection's streams (TLS, pure-Java mode), {@code readAhead} already taken out of them.
     * Runs on Helidon's connection thread and returns when the connection is over; closing
     * {@code connection} ends it.
     */
    void stream(InputStream in, OutputStream out, Closeable connection, ByteBuffer readAhead);
}
