package io.cloudterm.websocket;

import io.cloudterm.io.BufferPool;
import io.cloudterm.io.RawSocket;
import io.cloudterm.io.RawSockets;
import io.helidon.common.socket.SocketContext;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsUpgrader;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsUpgradeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Helidon's WebSocket upgrade for one path, answered by us so that the connection can then be
 * taken over ({@link Takeover}); every other upgrade (other paths, TLS, a malformed request) is
 * Helidon's own {@link WsUpgrader}, which also answers the errors.
 *
 * <p>Installed as the upgrader of an HTTP/1 connection selector the server puts before Helidon's.
 */
public final class DirectUpgrader implements Http1Upgrader {

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final String path;
    private final Supplier<WsListener> listeners;
    private final RawSockets sockets;
    private final BufferPool readBuffers;
    private final long maxFrameBytes;
    private final Http1Upgrader helidon = WsUpgrader.create(WsConfig.create());
    private final Set<DirectWebSocket> open = ConcurrentHashMap.newKeySet();
    /** The listening address every connection shares, kept once rather than per connection. */
    private volatile FixedPeer local;

    /**
     * Serves WebSockets on {@code path} with a listener from {@code listeners} each, reading into
     * buffers of {@code readBuffers}; a frame of more than {@code maxFrameBytes} closes with 1009.
     */
    public DirectUpgrader(String path, Supplier<WsListener> listeners, RawSockets sockets, BufferPool readBuffers,
                          long maxFrameBytes) {
        this.path = path;
        this.listeners = listeners;
        this.sockets = sockets;
        this.readBuffers = readBuffers;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Null if connections can be taken over here; otherwise why not, for the log. */
    public static String whyNot() {
        return SocketFds.whyNot();
    }

    @Override
    public String supportedProtocol() {
        return "websocket";
    }

    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        String key = headers.first(WsUpgrader.WS_KEY).orElse(null);
        if (ctx.isSecure() || !prologue.uriPath().path().equals(path) || !wellFormed(key, headers)
                || SocketFds.of(ctx.serverSocket()) < 0) {
            return helidon.upgrade(ctx, prologue, headers);
        }
        WsListener listener = listeners.get();
        Optional<Headers> answer;
        try {
            answer = listener.onHttpUpgrade(prologue, headers);
        } catch (WsUpgradeException e) {
            return null; // Helidon then routes the request as plain HTTP, where the path answers the status
        }
        StringBuilder response = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ").append(accept(key)).append("\r\n");
        answer.ifPresent(extra -> extra.forEach(header -> response.append(header.name()).append(": ")
                .append(header.get()).append("\r\n")));
        response.append("\r\n");
        ctx.dataWriter().write(BufferData.create(response.toString().getBytes(StandardCharsets.US_ASCII)));
        ctx.dataWriter().flush();
        String subProtocol = answer.flatMap(extra -> extra.first(WsUpgrader.PROTOCOL)).orElse(null);
        return new Takeover(this, ctx, prologue, answer.orElse(WritableHeaders.create()), key, listener, subProtocol);
    }

    /** Closes every taken-over connection now (the server is stopping). */
    public void closeAll() {
        for (DirectWebSocket socket : open) {
            socket.terminate();
        }
    }

    /** How many taken-over connections are open. */
    public int openCount() {
        return open.size();
    }

    /** The local peer, the same object for every connection on the same address. */
    FixedPeer local(FixedPeer peer) {
        FixedPeer known = local;
        if (peer.equals(known)) {
            return known;
        }
        local = peer;
        return peer;
    }

    /** A connection on {@code socket}, counted as open until its socket closes. */
    DirectWebSocket connection(RawSocket socket, WsListener listener, SocketContext context, String subProtocol) {
        DirectWebSocket connection = new DirectWebSocket(socket, listener, context, subProtocol, readBuffers,
                maxFrameBytes, open::remove);
        open.add(connection);
        return connection;
    }

    RawSockets sockets() {
        return sockets;
    }

    /** What Helidon's upgrader checks before answering 101; anything else is left to it, for its error. */
    private static boolean wellFormed(String key, WritableHeaders<?> headers) {
        if (key == null || !headers.first(WsUpgrader.WS_VERSION).orElse("13").equals("13")) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
