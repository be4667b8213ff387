package io.cloudterm.web;

import io.cloudterm.connection.Connection;
import io.cloudterm.protocol.ServerMessages;
import io.cloudterm.terminal.TerminalClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One connection seen as a terminal client, and by the heartbeat. The connection serializes what
 * is sent (the output sender, the heartbeat's ping, a close may all send at once), so nothing here
 * takes a lock: output and keystroke echoes pay for one lock, the connection's.
 */
final class WsClient implements TerminalClient {

    private static final byte[] OUTPUT_COMMAND = {ServerMessages.OUTPUT};

    private final Connection connection;
    /** {@link System#nanoTime}, or a test's clock: how long a peer has been silent is all the heartbeat reads of time. */
    private final LongSupplier nanoTime;
    private final AtomicLong lastHeardNanos;
    private volatile boolean closed;

    WsClient(Connection connection) {
        this(connection, System::nanoTime);
    }

    WsClient(Connection connection, LongSupplier nanoTime) {
        this.connection = connection;
        this.nanoTime = nanoTime;
        this.lastHeardNanos = new AtomicLong(nanoTime.getAsLong());
    }

    @Override
    public void send(byte[] message) throws IOException {
        if (closed) {
            throw new IOException("connection closed");
        }
        try {
            connection.send(message);
        } catch (IOException e) {
            closed = true;
            throw e;
        }
    }

    /** The pooled buffers go to the connection as they are (on a taken-over socket, to the kernel). */
    @Override
    public void sendOutput(List<ByteBuffer> payloads) throws IOException {
        if (closed) {
            throw new IOException("connection closed");
        }
        try {
            connection.send(OUTPUT_COMMAND, payloads);
        } catch (IOException e) {
            closed = true;
            throw e;
        }
    }

    /** Whether the connection is still there, for the heartbeat's sweep: the connection knows. */
    boolean connected() {
        return connection.open();
    }

    @Override
    public void close(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        connection.close(code, fitReason(reason));
    }

    /** A close reason may hold at most 123 bytes of UTF-8 (RFC 6455, 5.5): cut on a character boundary. */
    static String fitReason(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= 123) {
            return reason;
        }
        StringBuilder fitted = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > 120) {
                break;
            }
            fitted.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return fitted.append("...").toString();
    }

    void ping() {
        if (!closed) {
            connection.ping();
        }
    }

    /** Any frame from the peer proves it alive. */
    void heard() {
        lastHeardNanos.set(nanoTime.getAsLong());
    }

    long silentNanos() {
        return nanoTime.getAsLong() - lastHeardNanos.get();
    }

    boolean closed() {
        return closed;
    }

    /**
     * Gives up on a peer that stopped answering: a close frame if it can still be written, then
     * the connection closed at once, which ends a send blocked on the dead socket.
     */
    void abandon(int code, String reason) {
        closed = true;
        connection.abandon(code, fitReason(reason));
    }
}
