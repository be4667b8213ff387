package io.cloudterm.web;

import io.cloudterm.config.ServerConfig;
import io.helidon.common.buffers.BufferData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Closes connections whose client is late with its request: one thread looks at every open
 * connection a few times per timeout (cheaper than a timer per connection when thousands are open),
 * answers the late ones 408 and closes their socket, which ends the read Helidon waits in.
 */
final class RequestDeadlines implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RequestDeadlines.class.getName());
    private static final byte[] TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final Set<GuardedContext> open = ConcurrentHashMap.newKeySet();
    /**
     * Sockets accepted but not yet handed to us as HTTP connections, by remote address, and when
     * that must have happened: Helidon first waits for the TLS handshake and the first bytes of a
     * request, without a bound of its own.
     */
    private final Map<SocketAddress, Accepted> accepted = new ConcurrentHashMap<>();
    private final long headerNanos;
    private final BadRequests log;
    private final Duration period;
    private final Thread sweeper;
    private volatile boolean running = true;

    RequestDeadlines(ServerConfig.HttpLimits limits, BadRequests log) {
        this.log = log;
        this.headerNanos = limits.headerTimeout().toNanos();
        Duration shortest = limits.headerTimeout().compareTo(limits.bodyTimeout()) < 0 ? limits.headerTimeout() : limits.bodyTimeout();
        // A late client is closed within a quarter of its timeout after it, and never checked more than 20 times a second.
        this.period = clamp(shortest.dividedBy(4), Duration.ofMillis(50), Duration.ofSeconds(1));
        this.sweeper = Thread.ofPlatform().daemon().name("request-deadlines").start(this::sweep);
    }

    void opened(GuardedContext connection) {
        open.add(connection);
    }

    void closed(GuardedContext connection) {
        open.remove(connection);
    }

    /** A socket just accepted: it must start a request (after its TLS handshake) within the header timeout. */
    void accepted(Socket socket) {
        SocketAddress peer = socket.getRemoteSocketAddress();
        if (peer != null) {
            accepted.put(peer, new Accepted(socket, System.nanoTime() + headerNanos));
        }
    }

    /**
     * The socket from {@code peer} has started an HTTP request: its connection's own clock takes
     * over. Returns when its request's headers are due (the header timeout counts from the accept).
     */
    long identified(SocketAddress peer) {
        Accepted pending = accepted.remove(peer);
        return pending == null ? System.nanoTime() + headerNanos : pending.deadline();
    }

    private record Accepted(Socket socket, long deadline) {
    }

    private void sweep() {
        while (running) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            try {
                sweepOnce(System.nanoTime());
            } catch (RuntimeException e) {
                // A sweep that stopped would leave every later client untimed: note it, go on.
                LOG.log(Level.WARNING, "request deadline sweep failed; the next one follows", e);
            }
        }
    }

    private void sweepOnce(long now) {
        accepted.forEach((peer, pending) -> {
            if (pending.socket().isClosed()) {
                accepted.remove(peer, pending);
            } else if (now - pending.deadline() >= 0 && accepted.remove(peer, pending)) {
                log.refused("no request started in time", peer instanceof InetSocketAddress address
                        ? address.getAddress().getHostAddress() : peer.toString());
                // Closing a TLS socket may try to send an alert: not on this thread.
                Thread.ofVirtual().start(() -> closeQuietly(pending.socket()));
            }
        });
        for (GuardedContext connection : open) {
            RequestClock.Phase late = connection.clock().expireIfOverdue();
            if (late == null) {
                continue;
            }
            open.remove(connection);
            if (connection.clock().midRequest()) {
                log.refused(late.what() + " not received in time", connection.remotePeer().host());
                // The answer is a few bytes on a socket we have not written to since the last
                // response; still, a virtual thread, so that no client can stall the sweep.
                Thread.ofVirtual().start(() -> answerAndClose(connection));
            } else {
                // Idle between requests: close without an answer a client could take for its next request's.
                Thread.ofVirtual().start(() -> close(connection));
            }
        }
    }

    private static void answerAndClose(GuardedContext connection) {
        try {
            connection.dataWriter().writeNow(BufferData.create(TIMEOUT));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not answer 408", e);
        } finally {
            close(connection);
        }
    }

    private static void close(GuardedContext connection) {
        try {
            connection.serverSocket().close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not close a late connection", e);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            // Helidon's handshake or first read fails with it and ends the connection without a word.
            socket.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not close a TLS socket", e);
        }
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }

    @Override
    public void close() {
        running = false;
        sweeper.interrupt();
    }
}
