package io.cloudterm.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads an HTTP response head byte by byte off a raw socket, leaving whatever follows unread. */
public final class HttpHead {

    private HttpHead() {
    }

    /**
     * The status line and headers up to and including the blank line; an {@link EOFException} if
     * the server hangs up before it ends. Byte by byte, so the WebSocket frames after a 101 stay in
     * the stream for the caller.
     */
    public static String read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection closed in the response head: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
