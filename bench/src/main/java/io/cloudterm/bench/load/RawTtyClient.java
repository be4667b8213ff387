package io.cloudterm.bench.load;

import io.cloudterm.websocket.ClientFrames;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The same terminal protocol as {@link TtyClient} (subprotocol {@code tty}, JSON_DATA, INPUT,
 * OUTPUT, TERMINAL_INFO), spoken over a plain blocking {@link SocketChannel} with as little work
 * per byte as a WebSocket client can do: one reader per client, a virtual thread (a blocking
 * read parks it, so thousands of clients cost no platform thread or stack each), reads into one
 * direct buffer and hands OUTPUT payloads to the {@link TtyClient.Output} as slices of that
 * buffer, fragment by fragment, never copied. The buffer is large ({@link #STREAM_BUFFER}) for a
 * few clients streaming much output, small ({@link #SMALL_BUFFER}) for thousands with little each.
 * RFC 6455 as a client, framed by {@link ClientFrames}: the upgrade and its
 * {@code Sec-WebSocket-Accept} checked, every frame sent masked (a fresh mask each), server frames
 * unmasked with 7/16/64-bit lengths, fragmented messages, ping answered with pong, close answered
 * with close. Writes (INPUT, pong, close) are small and synchronized, on the caller's thread.
 * The connect and the upgrade are bounded ({@link #HANDSHAKE_LIMIT} each) and fail with an
 * {@link IOException} naming the address and the step. Loopback, {@code ws://} only.
 */
final class RawTtyClient implements StreamClient {

    private static final byte OUTPUT = '0';
    private static final byte TERMINAL_INFO = '3';
    /** Read buffer sizes: for a few clients streaming much output, and for many with little. */
    static final int STREAM_BUFFER = 256 * 1024, SMALL_BUFFER = 8 * 1024;
    /** The upgrade response's head is read into this many bytes at most; what follows it must fit the read buffer. */
    private static final int HEAD_LIMIT = 8 * 1024;
    private static final Duration HANDSHAKE_LIMIT = Duration.ofSeconds(30);
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom KEYS = new SecureRandom();
    private static final AtomicInteger IDS = new AtomicInteger();

    private final SocketChannel channel;
    private final TtyClient.Output output;
    private final CompletableFuture<JsonObject> info = new CompletableFuture<>();
    private final CompletableFuture<TtyClient.Closed> closed = new CompletableFuture<>();
    private final ByteBuffer buffer;
    /** What the {@link TtyClient.Output} is given: a view of {@link #buffer}, moved to each slice. */
    private final ByteBuffer view;
    private final ByteArrayOutputStream other = new ByteArrayOutputStream();

    // Reader thread only.
    /** Inside a data frame: its payload bytes not yet handed on, and whether it ends its message. */
    private boolean inFrame, fin;
    private long left;
    /** Inside a (possibly fragmented) data message; its command byte, -1 until it has come. */
    private boolean inMessage;
    private int command = -1;

    private volatile long messages;
    /** Guarded by this: a close frame has been sent, nothing may follow it. */
    private boolean closeSent;
    private volatile boolean closing;

    private RawTtyClient(SocketChannel channel, TtyClient.Output output, int bufferSize) {
        this.channel = channel;
        this.output = output;
        this.buffer = ByteBuffer.allocateDirect(Math.max(HEAD_LIMIT, bufferSize));
        this.view = buffer.duplicate();
    }

    /**
     * Connects, upgrades, sends JSON_DATA (80x24, empty AuthToken) and starts the reader (a
     * virtual thread) with a read buffer of {@code bufferSize} bytes (at least 8 KiB). Blocks for
     * at most {@link #HANDSHAKE_LIMIT} to connect and as long again for the upgrade's answer.
     */
    static RawTtyClient open(URI uri, TtyClient.Output output, int bufferSize) throws IOException {
        if (!"ws".equals(uri.getScheme())) {
            throw new IllegalArgumentException("the raw client speaks ws:// only, not " + uri);
        }
        SocketChannel channel = SocketChannel.open();
        RawTtyClient c = new RawTtyClient(channel, output, bufferSize);
        String step = "connect";
        try {
            try {
                channel.socket().connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) HANDSHAKE_LIMIT.toMillis());
            } catch (SocketTimeoutException e) {
                throw new IOException("not connected within " + HANDSHAKE_LIMIT.toSeconds() + " s", e);
            }
            channel.socket().setTcpNoDelay(true);
            step = "WebSocket upgrade";
            c.upgrade(uri);
            step = "JSON_DATA";
            c.send(ClientFrames.BINARY, TtyMessages.jsonData());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("raw client, " + uri + ": " + step + " failed: " + e.getMessage(), e);
        }
        Thread.ofVirtual().name("raw-tty-" + IDS.incrementAndGet()).start(c::read);
        return c;
    }

    /** The HTTP/1.1 upgrade; any bytes after the response's head are left in {@link #buffer}. */
    private void upgrade(URI uri) throws IOException {
        byte[] nonce = new byte[16];
        KEYS.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: tty\r\n"
                + "\r\n";
        write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));

        // The head is read through the socket adaptor, which honours SO_TIMEOUT (the channel does not).
        channel.socket().setSoTimeout((int) HANDSHAKE_LIMIT.toMillis());
        InputStream in = channel.socket().getInputStream();
        byte[] b = new byte[HEAD_LIMIT];
        int n = 0, end = -1;
        while (end < 0) {
            if (n == b.length) {
                throw new IOException("upgrade response head longer than " + b.length + " bytes: "
                        + StreamCheck.printable(new String(b, 0, 200, StandardCharsets.ISO_8859_1)));
            }
            int r;
            try {
                r = in.read(b, n, b.length - n);
            } catch (SocketTimeoutException e) {
                throw new IOException("no upgrade response within " + HANDSHAKE_LIMIT.toSeconds() + " s, after "
                        + n + " bytes of it", e);
            }
            if (r < 0) {
                throw new IOException("connection closed during the upgrade, after "
                        + StreamCheck.printable(new String(b, 0, n, StandardCharsets.ISO_8859_1)));
            }
            for (int i = Math.max(0, n - 3); i + 3 < n + r && end < 0; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                    end = i + 4;
                }
            }
            n += r;
        }
        channel.socket().setSoTimeout(0);
        buffer.put(b, end, n - end).flip(); // frames already sent after the head

        String head = new String(b, 0, end - 4, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].equals("101")) {
            throw new IOException("upgrade refused: " + StreamCheck.printable(head));
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!accept.equals(headers.get("sec-websocket-accept"))) {
            throw new IOException("bad Sec-WebSocket-Accept: expected " + accept + ", got "
                    + headers.get("sec-websocket-accept") + " in " + StreamCheck.printable(head));
        }
        if (!"websocket".equalsIgnoreCase(headers.get("upgrade"))
                || !headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT).contains("upgrade")) {
            throw new IOException("not an upgrade to websocket: " + StreamCheck.printable(head));
        }
        String protocol = headers.get("sec-websocket-protocol");
        if (protocol != null && !protocol.equals("tty")) {
            throw new IOException("subprotocol " + protocol + " chosen, tty asked: " + StreamCheck.printable(head));
        }
    }

    @Override
    public CompletableFuture<?> input(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] m = new byte[bytes.length + 1];
        m[0] = '0';
        System.arraycopy(bytes, 0, m, 1, bytes.length);
        try {
            send(ClientFrames.BINARY, m);
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<TtyClient.Closed> closed() {
        return closed;
    }

    @Override
    public long messages() {
        return messages;
    }

    @Override
    public CompletableFuture<JsonObject> info() {
        return info;
    }

    /** Sends a close (1000); completes with the server's answer, or -1 after 20 s; the socket is closed either way. */
    @Override
    public CompletableFuture<TtyClient.Closed> closeAsync() {
        try {
            sendClose(1000, "bye");
        } catch (IOException e) {
            if (!closed.isDone()) {
                shut();
                return CompletableFuture.completedFuture(new TtyClient.Closed(-1, "close not sent: " + e));
            }
        }
        return closed.copy().completeOnTimeout(new TtyClient.Closed(-1, "no close answered within 20 s"), 20, TimeUnit.SECONDS)
                .whenComplete((how, e) -> shut());
    }

    /** One masked frame, FIN set, written whole. */
    private synchronized void send(int opcode, byte[] payload) throws IOException {
        if (closeSent) {
            throw new ClosedChannelException();
        }
        ByteBuffer f = ClientFrames.putMasked(ByteBuffer.allocate(ClientFrames.MAX_CLIENT_HEADER + payload.length),
                ClientFrames.FIN | opcode, payload, ThreadLocalRandom.current().nextInt());
        write(f.flip());
        if (opcode == ClientFrames.CLOSE) {
            closeSent = true;
        }
    }

    private void sendClose(int code, String reason) throws IOException {
        byte[] p = ClientFrames.closePayload(code, reason);
        synchronized (this) {
            if (!closeSent) {
                send(ClientFrames.CLOSE, p);
            }
        }
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private void shut() {
        closing = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
    }

    /** The reader thread: frames parsed out of {@link #buffer} (in read mode between reads) until close. */
    private void read() {
        try {
            while (!closed.isDone()) {
                if (!step()) {
                    buffer.compact();
                    if (!buffer.hasRemaining()) {
                        throw new IOException("no room for a frame head in the read buffer"); // a head is at most 14 + 125 bytes
                    }
                    int n = channel.read(buffer);
                    buffer.flip();
                    if (n < 0) {
                        ended(new TtyClient.Closed(-1, "connection closed without a close frame"));
                    }
                }
            }
        } catch (Throwable e) {
            ended(new TtyClient.Closed(-1, closing && e instanceof AsynchronousCloseException
                    ? "closed by this client before the server answered" : String.valueOf(e)));
        } finally {
            shut();
        }
    }

    private void ended(TtyClient.Closed how) {
        shut();
        closed.complete(how);
        info.completeExceptionally(new IllegalStateException("closed before TERMINAL_INFO: " + how));
    }

    /** Handles the next piece in {@link #buffer}; false when more bytes are needed. */
    private boolean step() throws IOException {
        if (inFrame) {
            int n = (int) Math.min(left, buffer.remaining());
            if (n == 0 && left > 0) {
                return false;
            }
            int start = buffer.position();
            buffer.position(start + n);
            left -= n;
            inFrame = left > 0;
            payload(start, start + n, fin && left == 0);
            return true;
        }
        int p = buffer.position(), r = buffer.remaining();
        int head = ClientFrames.headerBytes(buffer, p);
        if (head == 0) {
            return false;
        }
        long len = ClientFrames.payloadLength(buffer, p);
        int b0 = buffer.get(p) & 0xff;
        int opcode = b0 & 0x0f;
        boolean last = (b0 & 0x80) != 0;
        if (opcode >= 8) {
            if (!last || len > 125) {
                throw new IOException("a fragmented or long control frame: opcode " + opcode + ", " + len + " bytes");
            }
            if (r < head + len) {
                return false;
            }
            byte[] data = new byte[(int) len];
            buffer.position(p + head).get(data);
            control(opcode, data);
            return true;
        }
        if (opcode == ClientFrames.CONTINUATION) {
            if (!inMessage) {
                throw new IOException("a continuation frame outside a message");
            }
        } else if (opcode == ClientFrames.TEXT || opcode == ClientFrames.BINARY) {
            if (inMessage) {
                throw new IOException("a new message inside a fragmented one");
            }
            inMessage = true;
            command = -1;
        } else {
            throw new IOException("unknown opcode " + opcode);
        }
        buffer.position(p + head);
        inFrame = true;
        fin = last;
        left = len;
        return true;
    }

    /** A piece of a data message, {@code [from, to)} in {@link #buffer}. */
    private void payload(int from, int to, boolean last) {
        if (command < 0 && from < to) {
            command = buffer.get(from++);
        }
        if (command == OUTPUT) {
            view.clear().position(from).limit(to);
            output.output(view, last);
            if (last) {
                messages = messages + 1; // one writer: this thread
            }
        } else if (command >= 0) {
            for (int i = from; i < to; i++) {
                other.write(buffer.get(i));
            }
            if (last && command == TERMINAL_INFO) {
                info.complete(TtyMessages.terminalInfo(other.toString(StandardCharsets.UTF_8)));
            }
        }
        if (last) {
            inMessage = false;
            command = -1;
            other.reset();
        }
    }

    private void control(int opcode, byte[] data) throws IOException {
        switch (opcode) {
            case ClientFrames.PING -> send(ClientFrames.PONG, data);
            case ClientFrames.PONG -> {
                // unsolicited or an answer: nothing to do
            }
            case ClientFrames.CLOSE -> {
                int code = data.length >= 2 ? ((data[0] & 0xff) << 8) | (data[1] & 0xff) : 1005;
                String reason = data.length > 2 ? new String(data, 2, data.length - 2, StandardCharsets.UTF_8) : "";
                synchronized (this) {
                    if (!closeSent) {
                        send(ClientFrames.CLOSE, data.length >= 2 ? new byte[] {data[0], data[1]} : new byte[0]);
                    }
                }
                ended(new TtyClient.Closed(code, reason));
            }
            default -> throw new IOException("unknown control opcode " + opcode);
        }
    }
}
