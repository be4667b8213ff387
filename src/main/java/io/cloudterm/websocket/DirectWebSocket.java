package io.cloudterm.websocket;

import io.cloudterm.connection.Connection;
import io.cloudterm.connection.ConnectionListener;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One terminal WebSocket as we serve it, whichever bytes carry it: the {@link Connection} its
 * listener sends through, and the decoding ({@link FrameDecoder}) that feeds the listener. Every
 * client is judged by this one decoder, so the same bad input gets the same answer on a socket taken
 * over by the poller ({@link PolledTransport}) and on Helidon's connection, TLS included
 * ({@link StreamTransport}); only the transport differs.
 *
 * <p>The transport hands in bytes as they come ({@link #received}) on one thread at a time, and
 * says when its stream ended ({@link #ended}). Text and binary messages reach the listener alike,
 * as bytes, piece by piece straight from the read buffer (no copy); bytes keep a character split
 * across frames intact. Pings are answered here. Writes are serialized by one lock and may block
 * while the client is slow: that is the back-pressure.
 *
 * <p>Closing (RFC 6455, 7.1): after our close frame the client has {@link #CLOSE_GRACE} to answer
 * with its own (or hang up) before the connection is closed anyway; once the frames have crossed,
 * the transport ends our side ({@link #finish}) and what the client still sends is dropped. The
 * listener hears the end once: {@code closed} for a close frame or a hang-up, {@code error} for
 * a broken connection or a protocol violation.
 */
public final class DirectWebSocket implements Connection {

    private static final Logger LOG = Logger.getLogger(DirectWebSocket.class.getName());
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
    /** How long {@link #abandon} waits for a send in progress before it closes without a close frame. */
    static final Duration ABANDON_WAIT = Duration.ofSeconds(1);
    /** One timer thread for every connection's close grace; cancelled timers leave its queue at once. */
    private static final ScheduledThreadPoolExecutor CLOSE_TIMER = closeTimer();
    private static final int NO_STATUS = 1005;
    private static final int ABNORMAL = 1006;

    private static final int SERVER_ERROR = 1011;
    private static final byte[] EMPTY = {};

    private final FrameTransport transport;
    private final ConnectionListener listener;
    private final String remoteHost;
    private final Optional<X509Certificate> clientCertificate;
    private final FrameDecoder decoder;
    private final Consumer<DirectWebSocket> onClosed;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean endReported = new AtomicBoolean();
    private final AtomicBoolean socketClosed = new AtomicBoolean();
    /** The close handshake is over and our side shut down: what still comes is read and dropped. */
    private final AtomicBoolean draining = new AtomicBoolean();
    /** The close after {@link #CLOSE_GRACE}, while one is pending. */
    private final AtomicReference<ScheduledFuture<?>> closeTimer = new AtomicReference<>();

    // Guarded by writeLock.
    private boolean closeSent;
    private boolean inFragmentedMessage;
    /** Set by the reader; read under writeLock by close(). */
    private volatile boolean closeReceived;

    /**
     * A connection over {@code transport} to the client at {@code remoteHost} (copied at the
     * upgrade, so that no Helidon object of the socket stays reachable), which calls
     * {@code onClosed} once its socket is closed.
     */
    DirectWebSocket(FrameTransport transport, ConnectionListener listener, String remoteHost,
                    Optional<X509Certificate> clientCertificate, long maxFrameBytes, Consumer<DirectWebSocket> onClosed) {
        this.transport = transport;
        this.listener = listener;
        this.remoteHost = remoteHost;
        this.clientCertificate = clientCertificate;
        this.decoder = new FrameDecoder(maxFrameBytes);
        this.onClosed = onClosed;
    }

    private static ScheduledThreadPoolExecutor closeTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("cloudterm-ws-close-timer").daemon().factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Tells the listener the connection is open; the transport then hands in what the client sends. */
    void opened() {
        try {
            listener.opened(this);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    /**
     * Decodes what the client sent (the buffer is not kept), calling the listener for what it
     * completes; dropped once the close handshake is over. Called by one thread at a time.
     */
    void received(ByteBuffer bytes) {
        if (draining.get()) {
            return;
        }
        try {
            decoder.feed(bytes, frames);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    /**
     * Our own failure, not the client's: said in the log, and to the client without the details.
     * Nothing escapes to Helidon, which would answer an exception with an HTTP 500 written into
     * the WebSocket stream.
     */
    private void listenerFailed(RuntimeException e) {
        LOG.log(Level.WARNING, "a WebSocket listener failed; closing the connection", e);
        close(SERVER_ERROR, "internal server error");
        ended(e);
    }

    private final FrameDecoder.Frames frames = new FrameDecoder.Frames() {
        @Override
        public void data(ByteBuffer piece, boolean last) {
            listener.message(piece, last);
        }

        @Override
        public void control(int opcode, byte[] payload) {
            switch (opcode) {
                case FrameDecoder.PING -> {
                    // RFC 6455, 5.5.2: answered with the same payload, through the write lock, so
                    // the pong never lands inside an output frame being written.
                    sendControl(FrameDecoder.PONG, payload);
                    listener.heard();
                }
                case FrameDecoder.PONG -> listener.heard();
                default -> closeFrame(payload);
            }
        }

        @Override
        public void violation(int code, String reason) {
            close(code, reason);
            if (endReported.compareAndSet(false, true)) {
                listener.error(new IOException("WebSocket protocol violation: " + reason));
            }
            finish();
        }
    };

    private void closeFrame(byte[] payload) {
        closeReceived = true;
        int code = NO_STATUS;
        String reason = "";
        // The decoder let through only an empty payload or a valid code with a UTF-8 reason.
        if (payload.length >= 2) {
            code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            reason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
        if (endReported.compareAndSet(false, true)) {
            listener.closed(code, reason);
        }
        // The listener normally answers; if it did not, answer for it, then hang up.
        close(code == NO_STATUS ? 1000 : code, "");
        finish();
    }

    /** The stream ended (null) or failed: the listener hears it once, and the connection is closed. */
    void ended(Exception failure) {
        closeSocket();
        if (endReported.compareAndSet(false, true)) {
            if (failure == null) {
                listener.closed(ABNORMAL, "the connection closed without a close frame");
            } else {
                listener.error(failure);
            }
        }
    }

    // ---- writing ----

    @Override
    public void send(byte[] message) throws IOException {
        sendFrame(FrameDecoder.BINARY, true, message, List.of());
    }

    /** On a taken-over socket the parts are gathered into the kernel without a copy (a pooled direct buffer goes straight there). */
    @Override
    public void send(byte[] prefix, List<ByteBuffer> parts) throws IOException {
        sendFrame(FrameDecoder.BINARY, true, prefix, parts);
    }

    /**
     * Sends one frame while the connection is open; a data frame that follows an unfinished
     * message goes out as its continuation.
     */
    private void sendFrame(int opcode, boolean fin, byte[] prefix, List<ByteBuffer> parts) throws IOException {
        boolean data = opcode == FrameDecoder.TEXT || opcode == FrameDecoder.BINARY;
        writeLock.lock();
        try {
            requireOpen();
            writeFrame(data && inFragmentedMessage ? FrameDecoder.CONTINUATION : opcode, fin, prefix, parts);
            if (data) {
                inFragmentedMessage = !fin;
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void ping() {
        sendControl(FrameDecoder.PING, EMPTY);
    }

    /** A ping or pong while the connection is open; one that cannot go out any more is not missed. */
    private void sendControl(int opcode, byte[] payload) {
        try {
            sendFrame(opcode, true, payload, List.of());
        } catch (IOException e) {
            LOG.log(Level.FINE, "control frame not sent", e);
        }
    }

    /**
     * Sends the close frame (once). The socket closes when the client's close frame comes, it
     * hangs up, or {@link #CLOSE_GRACE} has passed.
     */
    @Override
    public void close(int code, String reason) {
        boolean sent;
        writeLock.lock();
        try {
            sent = sendClose(code, reason);
        } finally {
            writeLock.unlock();
        }
        if (sent) {
            afterCloseSent();
        }
    }

    /** Writes the close frame unless one was sent; under writeLock. Whether it wrote one now. */
    private boolean sendClose(int code, String reason) {
        if (closeSent || socketClosed.get()) {
            return false;
        }
        closeSent = true;
        CloseCounts.sent(code);
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 123);
        while (length < text.length && length > 0 && (text[length] & 0xC0) == 0x80) {
            length--; // cut before a character, not inside it: the reason must stay UTF-8
        }
        byte[] payload = new byte[2 + length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, payload.length - 2);
        try {
            writeFrame(FrameDecoder.CLOSE, true, payload, List.of());
            return true;
        } catch (IOException e) {
            LOG.log(Level.FINE, "close frame not sent", e);
            closeSocket();
            return false;
        }
    }

    /** Our close frame is out: end now if the client's came first, otherwise give it time to answer. */
    private void afterCloseSent() {
        if (closeReceived) {
            finish();
        } else {
            closeLater();
        }
    }

    /**
     * A close frame if the write lock comes free within {@link #ABANDON_WAIT} (a send blocked on
     * a dead client holds it), then the socket closed now; the listener hears of it through the reader.
     */
    @Override
    public void abandon(int code, String reason) {
        boolean locked;
        try {
            locked = writeLock.tryLock(ABANDON_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (locked) {
            try {
                sendClose(code, reason);
            } finally {
                writeLock.unlock();
            }
        }
        // No grace for an answer: this client gave none to our pings.
        closeSocket();
    }

    /** Closes the socket now, without a close frame (the server is stopping); the listener hears of it through the reader. */
    void terminate() {
        closeSocket();
    }

    @Override
    public String remoteHost() {
        return remoteHost;
    }

    @Override
    public Optional<X509Certificate> clientCertificate() {
        return clientCertificate;
    }

    @Override
    public boolean open() {
        return !socketClosed.get();
    }

    /**
     * Ends the connection once the close frames have crossed (or the client broke the rules): a
     * FIN after what we sent, then what the client still sends (a late pong, a keystroke) is read
     * and dropped until it closes too, or {@link #CLOSE_GRACE} passes. Closing at once would leave
     * those bytes unread, and the kernel then resets the connection, which can destroy output the
     * client has received but not yet read.
     */
    private void finish() {
        if (socketClosed.get() || !draining.compareAndSet(false, true)) {
            return;
        }
        transport.shutdownOutput();
        closeLater();
    }

    /**
     * Closes the socket after {@link #CLOSE_GRACE} unless it closes first; the timer is cancelled
     * then, so it does not keep a closed connection (and its terminal's listener) reachable.
     */
    private void closeLater() {
        ScheduledFuture<?> timer = CLOSE_TIMER.schedule(this::closeSocket, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        ScheduledFuture<?> earlier = closeTimer.getAndSet(timer);
        if (earlier != null) {
            earlier.cancel(false);
        }
        if (socketClosed.get()) {
            timer.cancel(false);
        }
    }

    void closeSocket() {
        if (socketClosed.compareAndSet(false, true)) {
            ScheduledFuture<?> timer = closeTimer.getAndSet(null);
            if (timer != null) {
                timer.cancel(false);
            }
            transport.close();
            onClosed.accept(this);
        }
    }

    private void requireOpen() throws IOException {
        if (closeSent || socketClosed.get()) {
            throw new EOFException("the WebSocket is closed");
        }
    }

    /** Writes one frame (header, prefix, parts) as one gathered write; under writeLock. */
    private void writeFrame(int opcode, boolean fin, byte[] prefix, List<ByteBuffer> parts) throws IOException {
        long length = prefix.length;
        for (ByteBuffer part : parts) {
            length += part.remaining();
        }
        byte[] head = new byte[FrameEncoder.MAX_HEADER_BYTES + prefix.length];
        int headLength = FrameEncoder.header(head, opcode, fin, length);
        System.arraycopy(prefix, 0, head, headLength, prefix.length);
        ByteBuffer[] buffers = new ByteBuffer[1 + parts.size()];
        buffers[0] = ByteBuffer.wrap(head, 0, headLength + prefix.length);
        for (int i = 0; i < parts.size(); i++) {
            buffers[i + 1] = parts.get(i).duplicate();
        }
        transport.write(buffers);
    }
}
