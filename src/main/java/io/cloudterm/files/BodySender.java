package io.cloudterm.files;

import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;

/**
 * Sends a representation's bytes as a response body. The caller has set the status and every
 * header, {@code Content-Length} included, and calls this once per response with the range to
 * send; an implementation sends exactly {@code length} bytes or fails, and a failure after the
 * headers left ends the connection (the client sees a short body, never wrong bytes).
 */
public interface BodySender {

    void send(ServerResponse response, Body body, long offset, long length) throws IOException;
}
