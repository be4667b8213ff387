package io.cloudterm.web;

import io.helidon.common.buffers.BufferData;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLSocket;

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
    /** TLS sockets in their handshake, and when it must be over: it counts against the header timeout. */
    private final Map<SSLSocket, Long> handshakes = new ConcurrentHashMap<>();
    private final long handshakeNanos;
    private final BadRequests log;
    private final Duration period;
    private final Thread sweeper;
    private volatile boolean running = true;

    RequestDeadlines(ServerConfig.HttpLimits limits, BadRequests log) {
        this.log = log;
        this.handshakeNanos = limits.headerTimeout().toNanos();
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

    /** A TLS socket just accepted: its handshake must end within the header timeout. */
    void handshaking(SSLSocket socket) {
        handshakes.put(socket, System.nanoTime() + handshakeNanos);
        socket.addHandshakeCompletedListener(event -> handshakes.remove(event.getSocket()));
    }

    private void sweep() {
        while (running) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            handshakes.forEach((socket, deadline) -> {
                if (now - deadline >= 0 || socket.isClosed()) {
                    handshakes.remove(socket);
                    if (!socket.isClosed()) {
                        log.refused("TLS handshake not done in time", String.valueOf(socket.getInetAddress()));
                        closeQuietly(socket);
                    }
                }
            });
            for (GuardedContext connection : open) {
                RequestClock.Phase late = connection.clock().expireIfOverdue();
                if (late != null) {
                    open.remove(connection);
                    log.refused(late.what() + " not received in time", connection.remotePeer().host());
                    // The answer is a few bytes on a socket we have not written to since the last
                    // response; still, a virtual thread, so that no client can stall the sweep.
                    Thread.ofVirtual().start(() -> answerAndClose(connection));
                }
            }
        }
    }

    private static void answerAndClose(GuardedContext connection) {
        try {
            connection.dataWriter().writeNow(BufferData.create(TIMEOUT));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not answer 408", e);
        } finally {
            try {
                connection.serverSocket().close();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "could not close a late connection", e);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            // Helidon's handshake fails with it and ends the connection without a word.
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
