package io.cloudterm.client;

import io.cloudterm.protocol.ClientMessages;
import io.cloudterm.protocol.JsonFactories;
import io.cloudterm.protocol.ServerMessages;
import io.cloudterm.websocket.ClientFrames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * One terminal of a CloudTerm or ttyd server, spoken to as its web page does (subprotocol
 * {@code tty}, see the protocol document): send the handshake (JSON_DATA), type, resize, pause
 * and resume; read the output and how the server closed the connection.
 *
 * <pre>{@code
 * try (TtyClient terminal = TtyClient.connect(URI.create("ws://127.0.0.1:7681/ws"), Map.of())) {
 *     terminal.handshake("", 80, 24).input("uname -a\r");
 *     System.out.println(terminal.awaitOutput("Linux", Duration.ofSeconds(10)));
 * }
 * }</pre>
 *
 * <p>A virtual thread reads: pings are answered, a close is answered and ends the connection, and
 * by default every message is kept in order ({@link #messages()}, the output as {@link
 * #outputText()}). Given an {@link Output} instead ({@link Builder#output}), OUTPUT goes there as
 * it arrives, as slices of the read buffer, and is only counted here: a client for much output at
 * little cost. With {@link Builder#readOnRequest()} the client reads nothing until asked ({@link
 * #request}): it then looks to the server like a peer that has stopped reading.
 *
 * <p>Sends write whole frames (masked, a fresh mask each) on the caller's thread, blocking until
 * the socket has taken them. Connecting and every wait are bounded by the time given; failures
 * are {@link UncheckedIOException}s, so that calls chain.
 */
public final class TtyClient implements AutoCloseable {

    /** How the connection ended: the server's close code and reason, or 1006 and what went wrong. */
    public record Close(int code, String reason) {
    }

    /** Receives OUTPUT as it arrives, in order: one call per piece, {@code last} ending a message. */
    @FunctionalInterface
    public interface Output {
        /** {@code payload}'s remaining bytes are valid only during the call (they are the client's read buffer). */
        void output(ByteBuffer payload, boolean last);
    }

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    /** How long {@link #close()} waits for the server to answer its close. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Wire wire;
    private final Duration timeout;
    private final Inbox inbox;
    private final Object writeLock = new Object();
    /** Guarded by writeLock: a close frame has gone out; nothing may follow it. */
    private boolean closeSent;
    /** Written by the reader only. */
    private volatile int pings;

    private TtyClient(Wire wire, Duration timeout, Inbox inbox) {
        this.wire = wire;
        this.timeout = timeout;
        this.inbox = inbox;
    }

    /** Connects to {@code uri} ({@code ws://} or {@code wss://} with the JDK's default trust) with extra request headers. */
    public static TtyClient connect(URI uri, Map<String, String> headers) {
        return builder(uri).headers(headers).connect();
    }

    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** How to connect: headers, subprotocol, TLS, where output goes, how reading is paced. */
    public static final class Builder {
        private final URI uri;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String subprotocol = "tty";
        private SSLSocketFactory tls;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Output output;
        private int readBuffer = 64 * 1024;
        private boolean readOnRequest;
        private boolean platformReader;

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri);
        }

        /** An extra header of the upgrade request: Origin, Cookie, Authorization... */
        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Builder headers(Map<String, String> all) {
            headers.putAll(all);
            return this;
        }

        /** The subprotocol asked for, {@code tty} unless changed; null asks for none. */
        public Builder subprotocol(String name) {
            subprotocol = name;
            return this;
        }

        /** For {@code wss://}: whom to trust and what to present (the JDK's default context otherwise). */
        public Builder tls(SSLContext context) {
            tls = context.getSocketFactory();
            return this;
        }

        public Builder tls(SSLSocketFactory factory) {
            tls = factory;
            return this;
        }

        /** How long connecting, the upgrade and each wait may take unless a call says otherwise (20 s). */
        public Builder timeout(Duration limit) {
            timeout = limit;
            return this;
        }

        /** OUTPUT goes to {@code to} as it arrives and is not kept (the other messages still are). */
        public Builder output(Output to) {
            output = to;
            return this;
        }

        /** The read buffer's size (64 KiB unless changed): larger for much output, smaller for many clients. */
        public Builder readBuffer(int bytes) {
            readBuffer = bytes;
            return this;
        }

        /**
         * Reads nothing until {@link #request} allows it: no output, no ping answered. The
         * server sees a peer that has stopped reading, and the socket's buffers fill up.
         */
        public Builder readOnRequest() {
            readOnRequest = true;
            return this;
        }

        /**
         * Reads on a platform thread of its own, blocked in the socket's read, instead of a virtual
         * thread parked on the JDK's poller. For one client that receives a stream as fast as it
         * can: each short read then costs one system call, not a poller round and a hand-off
         * between carrier threads (which spin while they wait for work).
         */
        public Builder platformReader() {
            platformReader = true;
            return this;
        }

        /** Connects and upgrades (each within the timeout) and starts reading. */
        public TtyClient connect() {
            Wire wire = null;
            try {
                SSLSocketFactory factory = tls != null ? tls
                        : "wss".equals(uri.getScheme()) ? SSLContext.getDefault().getSocketFactory() : null;
                wire = Wire.connect(uri, factory, timeout);
                ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(Upgrade.HEAD_LIMIT, readBuffer));
                Upgrade.perform(wire, uri, headers, subprotocol, timeout, buffer);
                TtyClient client = new TtyClient(wire, timeout, new Inbox(output, buffer, readOnRequest));
                FrameReader frames = new FrameReader(buffer, client.new Handler());
                String name = "tty-client-" + IDS.incrementAndGet();
                (platformReader ? Thread.ofPlatform().name(name).daemon() : Thread.ofVirtual().name(name))
                        .start(() -> client.read(frames));
                return client;
            } catch (IOException e) {
                if (wire != null) {
                    wire.close();
                }
                throw new UncheckedIOException(uri + ": " + e.getMessage(), e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no default TLS context", e);
            } catch (RuntimeException e) {
                if (wire != null) {
                    wire.close();
                }
                throw e;
            }
        }
    }

    // Sending.

    /** JSON_DATA, the first message: the token the server's {@code /token} gave, and the terminal's size. */
    public TtyClient handshake(String token, int columns, int rows) {
        return send(JsonFactories.BUILDERS.createObjectBuilder().add("AuthToken", token).add("columns", columns)
                .add("rows", rows).build().toString());
    }

    /** Keys typed: INPUT, in UTF-8. */
    public TtyClient input(String text) {
        return send(ServerMessages.withCommand(ClientMessages.INPUT, text));
    }

    /** Bytes typed as they are: INPUT. */
    public TtyClient input(byte[] keys) {
        byte[] message = new byte[1 + keys.length];
        message[0] = ClientMessages.INPUT;
        System.arraycopy(keys, 0, message, 1, keys.length);
        return send(message);
    }

    public TtyClient resize(int columns, int rows) {
        return send(ServerMessages.withCommand(ClientMessages.RESIZE_TERMINAL,
                "{\"columns\":" + columns + ",\"rows\":" + rows + "}"));
    }

    /** Asks the server to hold output back (ttyd's flow control) until {@link #resume}. */
    public TtyClient pause() {
        return send(new byte[] {ClientMessages.PAUSE});
    }

    public TtyClient resume() {
        return send(new byte[] {ClientMessages.RESUME});
    }

    /** One message as it is, in UTF-8, in a binary frame (as every message of the protocol goes). */
    public TtyClient send(String message) {
        return send(message.getBytes(StandardCharsets.UTF_8));
    }

    /** One message as it is, in one binary frame. */
    public TtyClient send(byte[] message) {
        return sendFrame(ClientFrames.FIN | ClientFrames.BINARY, message);
    }

    /**
     * One frame, masked: {@code firstByte} is its FIN bit and opcode. For what the methods above
     * do not send: text frames, a message in fragments.
     */
    public TtyClient sendFrame(int firstByte, byte[] payload) {
        try {
            frame(firstByte, payload);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void frame(int firstByte, byte[] payload) throws IOException {
        ByteBuffer frame = ClientFrames.putMasked(ByteBuffer.allocate(ClientFrames.MAX_CLIENT_HEADER + payload.length),
                firstByte, payload, ThreadLocalRandom.current().nextInt()).flip();
        synchronized (writeLock) {
            if (closeSent) {
                throw new IOException("the connection is closing");
            }
            while (frame.hasRemaining()) {
                wire.out().write(frame);
            }
            closeSent = (firstByte & 0x0F) == ClientFrames.CLOSE;
        }
    }

    // Reading pace.

    /** Lets a client built with {@link Builder#readOnRequest()} handle {@code n} more messages (pings and closes count). */
    public void request(long n) {
        inbox.request(n);
    }

    // What came.

    /** Keeps only about the last {@code bytes} of output, and no OUTPUT messages: for terminals that print without end. */
    public TtyClient keepOnlyRecentOutput(int bytes) {
        inbox.keepOnlyRecentOutput(bytes);
        return this;
    }

    /** The OUTPUT kept so far, as UTF-8 text (empty when output goes to an {@link Output}). */
    public String outputText() {
        return inbox.outputText();
    }

    public byte[] outputBytes() {
        return inbox.outputBytes();
    }

    /** Every OUTPUT byte received, including any no longer kept or given to an {@link Output}. */
    public long outputBytesSeen() {
        return inbox.outputBytesSeen();
    }

    /** OUTPUT messages received. */
    public long outputMessages() {
        return inbox.outputMessages();
    }

    /** The messages received, each with its command byte, in order (see {@link Builder#output} and {@link #keepOnlyRecentOutput}). */
    public List<byte[]> messages() {
        return inbox.messages();
    }

    /** TERMINAL_INFO's JSON, once it has come (CloudTerm sends it after the handshake; ttyd does not). */
    public CompletableFuture<String> terminalInfo() {
        return inbox.terminalInfo();
    }

    /** Pings the server has sent so far (each answered). */
    public int pings() {
        return pings;
    }

    /** Waits until the output kept so far contains {@code text}; returns all of it. */
    public String awaitOutput(String text, Duration limit) {
        return awaitOutput(o -> o.contains(text), "'" + text + "'", limit);
    }

    /** Waits until the output kept so far matches {@code pattern} somewhere; returns the match. */
    public Matcher awaitMatch(Pattern pattern, Duration limit) {
        Matcher m = pattern.matcher(awaitOutput(o -> pattern.matcher(o).find(), "a match for " + pattern, limit));
        m.find();
        return m;
    }

    /**
     * Waits until the output kept so far satisfies {@code done} (described by {@code what} in
     * the failure); returns all of it. Fails at the limit, or once the connection has ended.
     */
    public String awaitOutput(Predicate<String> done, String what, Duration limit) {
        return inbox.awaitOutput(done, what, limit);
    }

    /** Waits until {@code bytes} OUTPUT bytes have come in all, kept or not (not with an {@link Output}). */
    public long awaitOutputBytesSeen(long bytes, Duration limit) {
        return inbox.awaitOutputBytesSeen(bytes, limit);
    }

    /** Completes when the connection has ended, with the server's close code and reason (or 1006 and the failure). */
    public CompletableFuture<Close> closed() {
        return inbox.closed();
    }

    /** Waits for the connection's end. */
    public Close awaitClose(Duration limit) {
        try {
            return inbox.closed().get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new IOException("not closed within " + limit + "; the output was:\n" + outputText()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the close", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public boolean isClosed() {
        return inbox.closed().isDone();
    }

    // Ending.

    /**
     * Sends a normal close (unless one has gone) and reads on until the server answers; completes
     * with the answer, or with 1006 when none came within the timeout. The socket is closed either way.
     */
    public CompletableFuture<Close> closeAsync() {
        return closeAsync(timeout);
    }

    private CompletableFuture<Close> closeAsync(Duration wait) {
        CompletableFuture<Close> closed = inbox.closed();
        if (!closed.isDone()) {
            inbox.request(Long.MAX_VALUE); // the answer must be read
            try {
                synchronized (writeLock) {
                    if (!closeSent) {
                        frame(ClientFrames.FIN | ClientFrames.CLOSE, ClientFrames.closePayload(1000, "bye"));
                    }
                }
            } catch (IOException e) {
                abort();
            }
        }
        return closed.copy().completeOnTimeout(new Close(1006, "no close answered within " + wait), wait.toNanos(),
                TimeUnit.NANOSECONDS).whenComplete((how, e) -> abort());
    }

    /** Closes normally, waiting a moment for the server's answer. */
    @Override
    public void close() {
        closeAsync(CLOSE_WAIT).join();
    }

    /** Drops the TCP connection without a close handshake, as a vanished browser would. */
    public void abort() {
        inbox.shut();
        wire.close();
    }

    // The reader thread.

    private void read(FrameReader frames) {
        try {
            while (!inbox.closed().isDone()) {
                if (frames.atFrameStart()) {
                    inbox.awaitDemand();
                }
                if (!frames.next(wire.in())) {
                    inbox.ended(new Close(1006, "connection closed without a close frame"));
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            inbox.ended(new Close(1006, inbox.isShut() && (e instanceof AsynchronousCloseException || e instanceof SocketException)
                    ? "closed by this client" : String.valueOf(e)));
        } finally {
            abort();
        }
    }

    /** Data to the inbox; pings answered, a close answered and the end recorded. */
    private final class Handler implements FrameReader.Handler {

        @Override
        public void data(ByteBuffer buffer, int from, int to, boolean last) {
            inbox.data(buffer, from, to, last);
        }

        @Override
        public void control(int opcode, byte[] payload) throws IOException {
            switch (opcode) {
                case ClientFrames.PING -> {
                    pings++;
                    frame(ClientFrames.FIN | ClientFrames.PONG, payload);
                }
                case ClientFrames.PONG -> {
                    // an answer, or unsolicited: nothing to do
                }
                case ClientFrames.CLOSE -> {
                    Close how = payload.length < 2 ? new Close(1005, "")
                            : new Close(((payload[0] & 0xff) << 8) | (payload[1] & 0xff),
                                    new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
                    synchronized (writeLock) {
                        if (!closeSent) {
                            // The code echoed; 1005 means none came, and none may be sent back.
                            frame(ClientFrames.FIN | ClientFrames.CLOSE,
                                    payload.length < 2 ? new byte[0] : new byte[] {payload[0], payload[1]});
                        }
                    }
                    inbox.ended(how);
                }
                default -> throw new IOException("unknown control opcode " + opcode);
            }
            inbox.consumeDemand();
        }
    }
}
