package io.cloudterm.terminal;

import io.cloudterm.protocol.ServerMessages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** The far end of one attachment, e.g. a WebSocket. Implemented by the web layer. */
public interface TerminalClient {

    /**
     * Sends one complete protocol message, blocking while the network is slow (that is the
     * back-pressure). Called by one thread at a time per client. Throws once the client is gone.
     */
    void send(byte[] message) throws IOException;

    /**
     * Sends one OUTPUT message made of the remaining bytes of {@code payloads}, without moving
     * their positions. A client that can hand pooled buffers to its socket as they are overrides
     * this; by default the bytes are joined into one array.
     */
    default void sendOutput(List<ByteBuffer> payloads) throws IOException {
        send(ServerMessages.output(payloads));
    }

    /** Closes the connection with a code and a reason, after everything already sent. */
    void close(int code, String reason);
}
