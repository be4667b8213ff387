package io.cloudterm.web;

import com.sun.management.UnixOperatingSystemMXBean;
import io.cloudterm.io.SocketFd;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLSocket;

/**
 * Keeps the process below its limit of open files, so that accepting a connection never fails:
 * Helidon 4.2's listener treats a failed accept (EMFILE) as the end of the server socket and
 * closes the port for good. Each accepted socket is looked at before Helidon serves it; once the
 * process holds nearly all the files it may open, new connections are closed at once (Helidon
 * then goes on accepting), leaving the last files to terminals and connections already served.
 *
 * <p>The test is the new socket's fd number, O(1): the kernel gives the lowest free number, so a
 * number past the line means every number below it is in use. Reading it needs the same
 * {@code --add-opens} as the WebSocket takeover; without them, {@link #unwatched} says why and the
 * server bounds Helidon's connection count instead.
 */
final class FdHeadroom {

    private static final Logger LOG = Logger.getLogger(FdHeadroom.class.getName());
    private static final String REASON = "too many open files on the server; try again later\n";
    private static final byte[] REFUSED = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + REASON.length() + "\r\nRetry-After: 10\r\nConnection: close\r\n\r\n" + REASON)
            .getBytes(StandardCharsets.US_ASCII);
    private final long limit;
    private final long line;
    private final long recovery;
    private volatile boolean refusing;

    /** Watches below {@code limit} open files (the process's RLIMIT_NOFILE, see {@link #fileLimit}). */
    FdHeadroom(long limit) {
        this.limit = limit;
        // What stays free for everything but new connections: a pty and a few fds per terminal,
        // taken-over WebSockets, log files. An eighth of the limit, within bounds.
        long headroom = Math.clamp(limit / 8, 32, 1024);
        this.line = limit - headroom;
        // Accept again only well below the line, so that a server at the edge does not log every connection.
        this.recovery = line - headroom / 2;
    }

    /** The most files this process may open (its soft RLIMIT_NOFILE), or -1 where unknown. */
    static long fileLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }

    /** Null if accepted sockets' fds can be read; otherwise why not. */
    static String unwatched() {
        return SocketFd.whyNot();
    }

    /** How many connections Helidon may hold where fds cannot be read. */
    long connectionBound() {
        return Math.max(16, line - 128);
    }

    /** Lets {@code socket} be served, or throws to have Helidon close it at once. */
    void admit(Socket socket) {
        int fd = SocketFd.of(socket);
        if (fd < 0) {
            return;
        }
        if (refusing ? fd >= recovery : fd >= line) {
            if (!refusing) {
                refusing = true;
                LOG.warning("refusing new connections: " + fd + " files open, the limit is " + limit
                        + " (ulimit -n); connections already open are served");
            }
            tellRefused(socket);
            // Helidon closes the socket and goes on accepting.
            throw new ConnectionRefused();
        }
        if (refusing) {
            refusing = false;
            LOG.warning("accepting new connections again: " + fd + " files open, the limit is " + limit);
        }
    }


    /**
     * A 503 with the reason, written before the request is read, so that a client learns why
     * rather than seeing its connection close. Plain HTTP only: a TLS socket would first need a
     * handshake, which must not run on the accept loop. Best effort: a fresh socket's empty send
     * buffer takes these few bytes at once; a failure changes nothing.
     */
    private static void tellRefused(Socket socket) {
        if (socket instanceof SSLSocket) {
            return;
        }
        try {
            socket.getOutputStream().write(REFUSED);
            socket.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "the refusal could not be written", e);
        }
    }

    /** Thrown to Helidon's accept loop, which closes the socket and logs it at TRACE only. */
    private static final class ConnectionRefused extends RuntimeException {
        ConnectionRefused() {
            super("too many open files; connection refused", null, false, false);
        }
    }
}
