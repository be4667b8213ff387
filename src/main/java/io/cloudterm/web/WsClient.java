package io.cloudterm.web;

import io.cloudterm.protocol.ServerMessages;
import io.cloudterm.terminal.TerminalClient;
import io.cloudterm.websocket.DirectWebSocket;
import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket seen as a terminal client. Every frame we send goes through one lock, because
 * Helidon 4.2's {@code WsSession.send} is not thread-safe (the output sender, the pong reply, the
 * heartbeat's ping and a close may all want to send at once). A ReentrantLock, not synchronized,
 * so a virtual thread blocked on a slow socket does not pin its carrier on JDK 21.
 */
final class WsClient implements TerminalClient {

    private static final Logger LOG = Logger.getLogger(WsClient.class.getName());

    private static final byte[] OUTPUT_COMMAND = {ServerMessages.OUTPUT};

    private final WsSession session;
    /** The thread that runs a connection of Helidon's own WebSocket; null on ours, which says when it is closed. */
    private final Thread connectionThread;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final AtomicLong lastHeardNanos = new AtomicLong(System.nanoTime());
    private volatile boolean closed;

    /** Made on the connection's own thread (Helidon's listener callbacks run there). */
    WsClient(WsSession session) {
        this.session = session;
        this.connectionThread = session instanceof DirectWebSocket ? null : Thread.currentThread();
    }

    @Override
    public void send(byte[] message) throws IOException {
        sendLock.lock();
        try {
            if (closed) {
                throw new IOException("connection closed");
            }
            session.send(BufferData.create(message), true);
        } catch (UncheckedIOException | IllegalStateException e) {
            closed = true;
            throw new IOException("send failed: " + e.getMessage(), e);
        } finally {
            sendLock.unlock();
        }
    }

    /** On a taken-over socket, the pooled buffers go to the kernel as they are; otherwise joined. */
    @Override
    public void sendOutput(List<ByteBuffer> payloads) throws IOException {
        if (!(session instanceof DirectWebSocket direct)) {
            TerminalClient.super.sendOutput(payloads);
            return;
        }
        sendLock.lock();
        try {
            if (closed) {
                throw new IOException("connection closed");
            }
            direct.sendBinary(OUTPUT_COMMAND, payloads);
        } catch (IOException e) {
            closed = true;
            throw e;
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Whether the connection is still there, for the heartbeat's sweep. Terminal WebSockets are
     * ours ({@link DirectWebSocket}, on either transport), which know; Helidon 4.2's own calls no
     * listener method when a peer drops the TCP connection, so there the end of its thread is the sign.
     */
    boolean connected() {
        return session instanceof DirectWebSocket direct ? direct.open() : connectionThread.isAlive();
    }

    @Override
    public void close(int code, String reason) {
        sendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            session.close(code, fitReason(reason));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "close frame not sent", e);
        } finally {
            sendLock.unlock();
        }
    }

    /** A close reason may hold at most 123 bytes of UTF-8 (RFC 6455, 5.5): cut on a character boundary. */
    static String fitReason(String reason) {
        if (reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 123) {
            return reason;
        }
        StringBuilder fitted = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes + size > 120) {
                break;
            }
            fitted.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return fitted.append("...").toString();
    }

    void pong(BufferData payload) {
        control(() -> session.pong(payload));
    }

    void ping() {
        control(() -> session.ping(BufferData.empty()));
    }

    /** Any frame from the peer proves it alive. */
    void heard() {
        lastHeardNanos.set(System.nanoTime());
    }

    long silentNanos() {
        return System.nanoTime() - lastHeardNanos.get();
    }

    boolean closed() {
        return closed;
    }

    /**
     * Gives up on a peer that stopped answering: a close frame if it can still be written, then
     * the connection's own shutdown, which interrupts the thread blocked reading the dead socket.
     */
    void abandon(int code, String reason) {
        boolean locked;
        try {
            locked = sendLock.tryLock(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (locked) {
            try {
                if (!closed) {
                    session.close(code, fitReason(reason));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "close frame not sent to a silent peer", e);
            } finally {
                closed = true;
                sendLock.unlock();
            }
        }
        closed = true;
        if (session instanceof ServerConnection connection) {
            connection.close(true);
        } else if (session instanceof DirectWebSocket direct) {
            direct.terminate();
        }
    }

    private void control(Runnable send) {
        sendLock.lock();
        try {
            if (!closed) {
                send.run();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "control frame not sent", e);
        } finally {
            sendLock.unlock();
        }
    }
}
