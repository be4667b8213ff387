package io.cloudterm.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes under one {@link DirectWebSocket}: where its frames are written and how the connection
 * ends. Each transport also feeds the connection what the client sends, in its own way (the
 * poller's callbacks, or a thread blocked reading Helidon's stream).
 */
interface FrameTransport {

    /** Writes the remaining bytes of {@code buffers} in order, blocking while the client is slow; called under one lock. */
    void write(ByteBuffer[] buffers) throws IOException;

    /** Our side is done (the close frames have crossed): ends sending after what was written. */
    void shutdownOutput();

    /** Closes the connection; a read in progress or pending on it ends. Repeating it does nothing. */
    void close();
}
