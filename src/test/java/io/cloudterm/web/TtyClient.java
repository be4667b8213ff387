package io.cloudterm.web;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A ttyd-protocol client on the JDK's WebSocket, as a test sees it: send commands, wait for output
 * text, read the close code. Every message the server sends is kept in order.
 */
final class TtyClient implements AutoCloseable {

    record Close(int code, String reason) {
    }

    /** One client for all: each HttpClient holds a selector thread and fds until it is collected. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<byte[]> messages = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final boolean autoRequest;
    private long outputBytesSeen;
    private int keepOutputBytes = Integer.MAX_VALUE;
    private WebSocket socket;

    private TtyClient(boolean autoRequest) {
        this.autoRequest = autoRequest;
    }

    /** Keeps only about the last {@code bytes} of output (for clients that stream without end). */
    TtyClient keepOnlyRecentOutput(int bytes) {
        lock.lock();
        try {
            keepOutputBytes = bytes;
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** Every OUTPUT byte received, including any no longer kept. */
    long outputBytesSeen() {
        lock.lock();
        try {
            return outputBytesSeen;
        } finally {
            lock.unlock();
        }
    }

    static TtyClient connect(URI uri, Map<String, String> headers) {
        return connect(uri, headers, true);
    }

    /** With {@code autoRequest} false the client reads a message only when {@link #request} says so. */
    static TtyClient connect(URI uri, Map<String, String> headers, boolean autoRequest) {
        return connect(HTTP, uri, headers, autoRequest);
    }

    /** Through {@code http}, e.g. one with TLS client settings. */
    static TtyClient connect(HttpClient http, URI uri, Map<String, String> headers, boolean autoRequest) {
        TtyClient client = new TtyClient(autoRequest);
        WebSocket.Builder builder = http.newWebSocketBuilder()
                .subprotocols("tty").connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        client.socket = builder.buildAsync(uri, client.new Listener()).orTimeout(20, TimeUnit.SECONDS).join();
        return client;
    }

    WebSocket socket() {
        return socket;
    }

    void request(long n) {
        socket.request(n);
    }

    TtyClient handshake(String token, int columns, int rows) {
        return sendText("{\"AuthToken\":\"" + token + "\",\"columns\":" + columns + ",\"rows\":" + rows + "}");
    }

    TtyClient input(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[bytes.length + 1];
        message[0] = '0';
        System.arraycopy(bytes, 0, message, 1, bytes.length);
        return send(message);
    }

    TtyClient resize(int columns, int rows) {
        return sendText("1{\"columns\":" + columns + ",\"rows\":" + rows + "}");
    }

    TtyClient pause() {
        return send(new byte[] {'2'});
    }

    TtyClient resume() {
        return send(new byte[] {'3'});
    }

    TtyClient sendText(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    TtyClient send(byte[] message) {
        socket.sendBinary(ByteBuffer.wrap(message), true).orTimeout(20, TimeUnit.SECONDS).join();
        return this;
    }

    /** Waits until the OUTPUT received so far matches {@code pattern} somewhere; returns the match. */
    java.util.regex.Matcher awaitMatch(java.util.regex.Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                java.util.regex.Matcher matcher = pattern.matcher(outputText());
                if (matcher.find()) {
                    return matcher;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed.isDone()) {
                    throw new AssertionError("no match for " + pattern + " in output (closed: " + closed.getNow(null)
                            + "); output was:\n" + outputText());
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the OUTPUT received so far contains {@code text}; returns all of it. */
    String awaitOutput(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!outputText().contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed.isDone() && !outputText().contains(text)) {
                    if (closed.isDone()) {
                        throw new AssertionError("connection closed (" + closed.getNow(null) + ") before output contained '"
                                + text + "'; output was:\n" + outputText());
                    }
                    throw new AssertionError("no '" + text + "' in output within " + timeout + "; output was:\n" + outputText());
                }
                changed.awaitNanos(left);
            }
            return outputText();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code bytes} OUTPUT bytes in all have arrived (kept or not): for a stream of unchanging bytes. */
    void awaitOutputBytesSeen(long bytes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (outputBytesSeen < bytes) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed.isDone()) {
                    throw new AssertionError(outputBytesSeen + " output bytes of " + bytes + " within " + timeout
                            + " (closed: " + closed.getNow(null) + ")");
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            lock.unlock();
        }
    }

    String outputText() {
        lock.lock();
        try {
            return output.toString(StandardCharsets.UTF_8);
        } finally {
            lock.unlock();
        }
    }

    byte[] outputBytes() {
        lock.lock();
        try {
            return output.toByteArray();
        } finally {
            lock.unlock();
        }
    }

    List<byte[]> messages() {
        lock.lock();
        try {
            return List.copyOf(messages);
        } finally {
            lock.unlock();
        }
    }

    Close awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("no close within " + timeout + "; output was:\n" + outputText(), e);
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    /** Drops the TCP connection without a close handshake, as a vanished browser would. */
    void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).join();
            } catch (RuntimeException e) {
                socket.abort();
            }
        }
    }

    /** Pings the server has sent this client so far. */
    int pings() {
        return pings.get();
    }

    private final class Listener implements WebSocket.Listener {

        @Override
        public void onOpen(WebSocket webSocket) {
            if (autoRequest) {
                webSocket.request(1);
            }
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            received(bytes, last);
            if (autoRequest) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            received(data.toString().getBytes(StandardCharsets.UTF_8), last);
            if (autoRequest) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet(); // the JDK client answers with a pong itself
            if (autoRequest) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            lock.lock();
            try {
                closed.complete(new Close(statusCode, reason));
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            lock.lock();
            try {
                closed.complete(new Close(1006, String.valueOf(error)));
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void received(byte[] bytes, boolean last) {
            lock.lock();
            try {
                partial.writeBytes(bytes);
                if (last) {
                    byte[] message = partial.toByteArray();
                    partial.reset();
                    messages.add(message);
                    if (message.length > 0 && message[0] == '0') {
                        output.write(message, 1, message.length - 1);
                        outputBytesSeen += message.length - 1;
                        if (output.size() > 2L * keepOutputBytes) {
                            byte[] all = output.toByteArray();
                            output.reset();
                            output.write(all, all.length - keepOutputBytes, keepOutputBytes);
                        }
                        if (keepOutputBytes != Integer.MAX_VALUE) {
                            messages.clear(); // a streaming client keeps no message list either
                        }
                    }
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
