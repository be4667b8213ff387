package io.cloudterm.bench.load;

import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One terminal WebSocket spoken as a browser speaks it (ttyd's protocol, subprotocol {@code tty}):
 * JSON_DATA first, then INPUT messages; OUTPUT payloads go to an {@link Output} as they arrive
 * (a large message in its fragments, never copied), TERMINAL_INFO is kept. One socket, so one fd,
 * per client; all clients share one {@link HttpClient} (one selector thread).
 */
final class TtyClient implements WebSocket.Listener, StreamClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final byte OUTPUT = '0';
    private static final byte TERMINAL_INFO = '3';

    /** Receives OUTPUT payloads, in order, one call per fragment; {@code last} ends a message. */
    interface Output {
        void output(ByteBuffer payload, boolean last);
    }

    /** How the server closed the connection (or {@code -1} and the error when it failed). */
    record Closed(int code, String reason) {
    }

    private final Output output;
    private final CompletableFuture<JsonObject> info = new CompletableFuture<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final ByteArrayOutputStream other = new ByteArrayOutputStream();
    /** The command byte of the message being received, -1 between messages. */
    private int command = -1;
    private long messages;
    private volatile WebSocket socket;
    /** Sends are chained: the JDK client allows one outstanding send per WebSocket. */
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

    private TtyClient(Output output) {
        this.output = output;
    }

    /** Connects and sends JSON_DATA (80x24, empty AuthToken: the server runs with --no-auth). */
    static CompletableFuture<TtyClient> connect(URI uri, Output output) {
        TtyClient c = new TtyClient(output);
        return HTTP.newWebSocketBuilder().subprotocols("tty").connectTimeout(Duration.ofSeconds(20))
                .buildAsync(uri, c)
                .thenCompose(ws -> {
                    c.socket = ws;
                    return c.send(TtyMessages.jsonData());
                })
                .thenApply(ignored -> c);
    }

    /** Connects, bounded: for callers that open one at a time. */
    static TtyClient open(URI uri, Output output) {
        return connect(uri, output).orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** Sends INPUT; completes when the JDK client has written it. */
    CompletableFuture<?> input(byte[] bytes) {
        byte[] m = new byte[bytes.length + 1];
        m[0] = '0';
        System.arraycopy(bytes, 0, m, 1, bytes.length);
        return send(m);
    }

    @Override
    public CompletableFuture<?> input(String text) {
        return input(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one message as is, after any still being sent. */
    synchronized CompletableFuture<?> send(byte[] message) {
        WebSocket ws = socket;
        CompletableFuture<?> next = lastSend.thenCompose(ignored -> ws.sendBinary(ByteBuffer.wrap(message), true));
        lastSend = next;
        return next;
    }

    /** TERMINAL_INFO, once it has come. */
    @Override
    public CompletableFuture<JsonObject> info() {
        return info;
    }

    /** The terminal's handle from TERMINAL_INFO, waiting for it (bounded). */
    String handle(Duration limit) {
        return info.copy().orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS).join().getString("terminal");
    }

    @Override
    public CompletableFuture<Closed> closed() {
        return closed;
    }

    /** OUTPUT messages received so far. */
    @Override
    public synchronized long messages() {
        return messages;
    }

    /** Sends a close (1000) after any pending sends; completes when the server has answered it. */
    @Override
    public synchronized CompletableFuture<Closed> closeAsync() {
        WebSocket ws = socket;
        lastSend.handle((r, e) -> ws.isOutputClosed() ? null : ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
        return closed.copy().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> {
            ws.abort();
            return new Closed(-1, "no close answered within 20 s");
        });
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        received(data, last);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        received(StandardCharsets.UTF_8.encode(data.toString()), last);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason));
        info.completeExceptionally(new IllegalStateException("closed before TERMINAL_INFO: " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Closed(-1, String.valueOf(error)));
        info.completeExceptionally(error);
    }

    private void received(ByteBuffer data, boolean last) {
        if (command < 0) {
            if (!data.hasRemaining()) {
                return; // an empty fragment; the command byte comes with the next
            }
            command = data.get();
        }
        if (command == OUTPUT) {
            output.output(data, last);
            if (last) {
                synchronized (this) {
                    messages++;
                }
            }
        } else {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            other.writeBytes(b);
            if (last && command == TERMINAL_INFO) {
                info.complete(TtyMessages.terminalInfo(other.toString(StandardCharsets.UTF_8)));
            }
        }
        if (last) {
            command = -1;
            other.reset();
        }
    }
}
