package io.cloudterm.files;

import io.cloudterm.io.FileSending;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Sends bodies on the connection's own socket: Helidon writes the status line and headers, then
 * the bytes go with {@code sendfile(2)} from the file, or with {@code write(2)} from memory,
 * never through the heap or Helidon's buffers. Where a response's socket is out of reach (TLS,
 * HTTP/2, a write queue, see {@link ResponseSockets}), {@link #forResponse} is empty and the
 * caller copies instead; it must ask before it commits to either. Helidon 4.2 sends whatever a
 * handler sends, HEAD or not: the caller sends no body for HEAD.
 */
public final class ZeroCopySender {

    private static final byte[] NO_ENTITY = new byte[0];

    private final FileSending sending;

    public ZeroCopySender(FileSending sending) {
        this.sending = sending;
    }

    /** Null if responses' sockets can be reached in this process; otherwise why not, for the log. */
    public static String whyNot() {
        return ResponseSockets.whyNot();
    }

    /** A sender for {@code response}'s body on its socket, or empty: then copy the body. */
    public Optional<BodySender> forResponse(ServerResponse response) {
        OptionalInt fd = ResponseSockets.of(response);
        return fd.isPresent() ? Optional.of(new OnSocket(response, fd.getAsInt())) : Optional.empty();
    }

    /** One response's body on one socket. */
    private final class OnSocket implements BodySender {
        private final ServerResponse response;
        private final int fd;

        OnSocket(ServerResponse response, int fd) {
            this.response = response;
            this.fd = fd;
        }

        @Override
        public void send(ServerResponse response, Body body, long offset, long length) throws IOException {
            if (response != this.response) {
                throw new IllegalArgumentException("this sender writes on the socket of another response");
            }
            long declared = response.headers().contentLength().orElse(-1);
            if (declared != length) {
                // Anything else would leave the next response on this connection out of step.
                throw new IllegalStateException("Content-Length is " + declared + " but the body is " + length + " bytes");
            }
            if (response.headers().contains(HeaderNames.TRAILER)) {
                throw new IllegalStateException("a body sent on the socket cannot be followed by trailers");
            }
            switch (body) {
                case Body.FileBody file -> {
                    // Opened first: a file gone since it was looked at fails here, before the headers.
                    try (FileSending.OpenFile open = sending.open(file.path())) {
                        sendHeaders();
                        open.sendTo(fd, offset, length);
                    }
                }
                case Body.MemoryBody memory -> {
                    ByteBuffer bytes = memory.range(offset, length);
                    sendHeaders();
                    sending.sendMemory(fd, bytes);
                }
            }
        }

        /**
         * An empty byte[] entity: Helidon writes the status line and headers straight to the
         * socket (no write queue, see ResponseSockets), keeps the caller's Content-Length, checks no
         * length against it, and considers the response sent. What follows on the socket is the
         * body it announced; the next request on the connection is read after we return.
         */
        private void sendHeaders() {
            response.send(NO_ENTITY);
        }
    }
}
