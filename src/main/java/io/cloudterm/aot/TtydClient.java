package io.cloudterm.aot;

import io.cloudterm.protocol.ClientMessages;
import io.cloudterm.protocol.ServerMessages;
import io.cloudterm.websocket.ClientFrames;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A ttyd-protocol client as a browser page is one, on a plain socket: the upgrade written and
 * checked by hand, frames by {@link ClientFrames}, a virtual thread reading. Blocking calls, each
 * bounded: send JSON_DATA, INPUT, RESIZE_TERMINAL, PAUSE, RESUME; wait for output; read how the
 * server closed. Pings are answered, a close is answered and ends the connection. {@code ws://}
 * only (the training run and tests on loopback).
 */
public final class TtydClient implements AutoCloseable {

    /** How the connection ended: the server's close code and reason, or 1006 and what went wrong. */
    public record Close(int code, String reason) {
    }

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom KEYS = new SecureRandom();
    /** The upgrade response's head may be no longer than this. */
    private static final int HEAD_LIMIT = 8 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    /** Guarded by this: the close the connection ended with, null while open. */
    private Close closed;
    /** Guarded by this: a close frame has gone out; nothing may follow it. */
    private boolean closeSent;

    private TtydClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects and upgrades to {@code uri} asking for {@code subprotocol}, with extra request
     * {@code headers} (Origin, Cookie...); each step within {@code timeout}.
     */
    public static TtydClient connect(URI uri, Map<String, String> headers, String subprotocol, Duration timeout)
            throws IOException {
        if (!"ws".equals(uri.getScheme())) {
            throw new IllegalArgumentException("ws:// only, not " + uri);
        }
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) timeout.toMillis());
            TtydClient client = new TtydClient(socket);
            client.upgrade(uri, headers, subprotocol);
            socket.setSoTimeout(0);
            Thread.ofVirtual().name("ttyd-client").start(client::read);
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw new IOException(uri + ": " + e.getMessage(), e);
        }
    }

    private void upgrade(URI uri, Map<String, String> headers, String subprotocol) throws IOException {
        byte[] nonce = new byte[16];
        KEYS.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: " + subprotocol + "\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();

        String head = readHead();
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[1].equals("101")) {
            throw new IOException("upgrade refused: " + lines[0]);
        }
        Map<String, String> answer = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                answer.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        if (!accept(key).equals(answer.get("sec-websocket-accept"))) {
            throw new IOException("bad Sec-WebSocket-Accept in " + head);
        }
        if (!subprotocol.equals(answer.get("sec-websocket-protocol"))) {
            throw new IOException("subprotocol " + answer.get("sec-websocket-protocol") + " chosen, " + subprotocol + " asked");
        }
    }

    /** The response head up to its blank line; the bytes after it stay in {@link #in} for the frames. */
    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the upgrade after " + head.size() + " bytes");
            }
            if (head.size() == HEAD_LIMIT) {
                throw new IOException("upgrade response head longer than " + HEAD_LIMIT + " bytes");
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    private static String accept(String key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON_DATA, the first message: the JSON text as it is, e.g. {@code {"AuthToken":"...","columns":80,"rows":24}}. */
    public TtydClient sendJson(String json) throws IOException {
        return send(json.getBytes(StandardCharsets.UTF_8));
    }

    public TtydClient input(String text) throws IOException {
        return send(ServerMessages.withCommand(ClientMessages.INPUT, text));
    }

    public TtydClient resize(int columns, int rows) throws IOException {
        return send(ServerMessages.withCommand(ClientMessages.RESIZE_TERMINAL,
                "{\"columns\":" + columns + ",\"rows\":" + rows + "}"));
    }

    public TtydClient pause() throws IOException {
        return send(new byte[] {ClientMessages.PAUSE});
    }

    public TtydClient resume() throws IOException {
        return send(new byte[] {ClientMessages.RESUME});
    }

    /** One message, in one binary frame. */
    public TtydClient send(byte[] message) throws IOException {
        frame(ClientFrames.BINARY, message);
        return this;
    }

    private synchronized void frame(int opcode, byte[] payload) throws IOException {
        if (closeSent) {
            throw new IOException("the connection is closing");
        }
        ByteBuffer frame = ClientFrames.putMasked(ByteBuffer.allocate(ClientFrames.MAX_CLIENT_HEADER + payload.length),
                ClientFrames.FIN | opcode, payload, ThreadLocalRandom.current().nextInt());
        out.write(frame.array(), 0, frame.position());
        out.flush();
        closeSent = opcode == ClientFrames.CLOSE;
    }

    /** All OUTPUT so far, as text. */
    public synchronized String output() {
        return output.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the output so far matches {@code pattern} somewhere; returns all of it. */
    public String awaitOutput(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        return awaitOutput(o -> pattern.matcher(o).find(), "a match for " + pattern, timeout);
    }

    /** Waits until the output so far satisfies {@code done} (described by {@code what}); returns all of it. */
    public synchronized String awaitOutput(Predicate<String> done, String what, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(output())) {
            long left = deadline - System.nanoTime();
            if (closed != null || left <= 0) {
                throw new IOException("no " + what + " in the output " + (closed != null ? "before the close " + closed
                        : "within " + timeout.toMillis() + " ms") + "; the output was: " + output());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return output();
    }

    /** Waits for the connection's end. */
    public synchronized Close awaitClose(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (closed == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("not closed within " + timeout.toMillis() + " ms");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return closed;
    }

    /** The close code, or -1 while open. */
    public synchronized int closeCode() {
        return closed == null ? -1 : closed.code();
    }

    /** The close reason, or "" while open. */
    public synchronized String closeReason() {
        return closed == null ? "" : closed.reason();
    }

    /** Sends a normal close (unless one has gone) and waits a moment for the answer; the socket is closed either way. */
    @Override
    public void close() {
        try {
            synchronized (this) {
                if (!closeSent && closed == null) {
                    frame(ClientFrames.CLOSE, ClientFrames.closePayload(1000, "bye"));
                }
            }
            awaitClose(Duration.ofSeconds(5));
        } catch (IOException | InterruptedException e) {
            // closed below either way
        } finally {
            shut();
        }
    }

    private void shut() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
    }

    private void read() {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        try {
            while (true) {
                ClientFrames.Frame frame = ClientFrames.read(in);
                switch (frame.opcode()) {
                    case ClientFrames.PING -> frame(ClientFrames.PONG, frame.payload());
                    case ClientFrames.PONG -> {
                        // an answer or unsolicited: nothing to do
                    }
                    case ClientFrames.CLOSE -> {
                        synchronized (this) {
                            if (!closeSent) {
                                // The code echoed; 1005 means none came, and none may be sent back.
                                frame(ClientFrames.CLOSE, frame.payload().length < 2 ? new byte[0]
                                        : ClientFrames.closePayload(frame.closeCode(), ""));
                            }
                        }
                        ended(new Close(frame.closeCode(), frame.closeReason()));
                        return;
                    }
                    default -> {
                        message.writeBytes(frame.payload());
                        if (frame.fin()) {
                            received(message.toByteArray());
                            message.reset();
                        }
                    }
                }
            }
        } catch (IOException e) {
            ended(new Close(1006, String.valueOf(e)));
        } finally {
            shut();
        }
    }

    private synchronized void received(byte[] message) {
        if (message.length > 0 && message[0] == ServerMessages.OUTPUT) {
            output.write(message, 1, message.length - 1);
            notifyAll();
        }
    }

    private synchronized void ended(Close how) {
        if (closed == null) {
            closed = how;
        }
        notifyAll();
    }
}
