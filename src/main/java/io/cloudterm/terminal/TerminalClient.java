package io.cloudterm.terminal;

import java.io.IOException;

/** The far end of one attachment, e.g. a WebSocket. Implemented by the web layer. */
public interface TerminalClient {

    /**
     * Sends one complete protocol message, blocking while the network is slow (that is the
     * back-pressure). Called by one thread at a time per client. Throws once the client is gone.
     */
    void send(byte[] message) throws IOException;

    /** Closes the connection with a code and a reason, after everything already sent. */
    void close(int code, String reason);
}
