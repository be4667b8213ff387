package io.cloudterm.files;

import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;

/**
 * Sends each body on the response's own socket where that socket is in reach (plain HTTP/1, no
 * write queue), and by copying elsewhere (TLS, where the bytes must pass through the JDK's
 * SSLEngine): decided per response, since one server may have both kinds of connection.
 */
public final class ZeroCopyFirst implements BodySender {

    /**
     * A body in memory this small goes out in the same write as its headers, through Helidon: a
     * write of its own would cost a system call more than the copy it saves (wrk, 1 KiB files).
     */
    static final int WITH_HEADERS_MAX_BYTES = 16 * 1024;

    private final ZeroCopySender zeroCopy;
    private final BodySender otherwise;

    public ZeroCopyFirst(ZeroCopySender zeroCopy, BodySender otherwise) {
        this.zeroCopy = zeroCopy;
        this.otherwise = otherwise;
    }

    @Override
    public void send(ServerResponse response, Body body, long offset, long length) throws IOException {
        if (body instanceof Body.MemoryBody memory && length <= WITH_HEADERS_MAX_BYTES) {
            byte[] small = new byte[(int) length];
            memory.range(offset, length).get(small);
            response.send(small);
            return;
        }
        zeroCopy.forResponse(response).orElse(otherwise).send(response, body, offset, length);
    }
}
