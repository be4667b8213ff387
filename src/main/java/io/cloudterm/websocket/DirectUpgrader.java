package io.cloudterm.websocket;

import io.cloudterm.io.BufferPool;
import io.cloudterm.io.RawSockets;
import io.cloudterm.io.SocketFds;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsUpgrader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The WebSocket upgrade for one path, answered by us so that every connection on it is served by
 * our frame decoder: on a socket taken over by the native poller where that can be ({@link Takeover}:
 * plain TCP, native mode), otherwise over Helidon's own stream ({@link StreamConnection}: TLS,
 * pure-Java mode). Helidon's WebSocket would answer some bad frames with an HTTP 500 written into
 * the WebSocket stream, or 1011 with its exception's text; with one decoder, the same bad input
 * gets the same close code whatever the transport. No other WebSocket is served: an upgrade
 * request for another path, or a malformed one, is refused here and then routed as plain HTTP,
 * whose handlers answer it (400 for this path), so Helidon's WebSocket never sees a client.
 *
 * <p>Installed as the upgrader of an HTTP/1 connection selector the server puts before Helidon's.
 */
public final class DirectUpgrader implements Http1Upgrader {

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final String path;
    private final Supplier<? extends UpgradeListener> listeners;
    private final Optional<RawSockets> sockets;
    private final BufferPool readBuffers;
    private final long maxFrameBytes;
    private final Set<DirectWebSocket> open = ConcurrentHashMap.newKeySet();
    private final Set<DirectWebSocket> takenOver = ConcurrentHashMap.newKeySet();

    /**
     * Serves WebSockets on {@code path} with a listener from {@code listeners} each; a frame of
     * more than {@code maxFrameBytes} closes with 1009. Plain sockets are taken over by
     * {@code sockets} when present (reading into buffers of {@code readBuffers}), and otherwise
     * served over Helidon's stream.
     */
    public DirectUpgrader(String path, Supplier<? extends UpgradeListener> listeners, Optional<RawSockets> sockets, BufferPool readBuffers,
                          long maxFrameBytes) {
        this.path = path;
        this.listeners = listeners;
        this.sockets = sockets;
        this.readBuffers = readBuffers;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** The one path this upgrader answers, e.g. {@code /term/ws}. */
    public String path() {
        return path;
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
        if (!prologue.uriPath().path().equals(path) || !wellFormed(key, headers)) {
            return null; // Helidon then routes the request as plain HTTP, which answers it
        }
        UpgradeListener listener = listeners.get();
        Optional<Headers> answer;
        try {
            // The listener decides (Host, Origin, credentials): this runs before routing, so the
            // routing filters have not seen the request.
            answer = accepted(listener, ctx, prologue, headers);
        } catch (UpgradeListener.Refused e) {
            return null; // Helidon then routes the request as plain HTTP, where the path answers the status
        }
        StringBuilder response = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ").append(accept(key)).append("\r\n");
        answer.ifPresent(extra -> extra.forEach(header -> response.append(header.name()).append(": ")
                .append(header.get()).append("\r\n")));
        response.append("\r\n");
        SendBuffer.bound(ctx.serverSocket());
        ctx.dataWriter().write(BufferData.create(response.toString().getBytes(StandardCharsets.US_ASCII)));
        ctx.dataWriter().flush();
        boolean takeOver = sockets.isPresent() && !ctx.isSecure() && SocketFds.of(ctx.serverSocket()) >= 0;
        Optional<Handover> handover = listener.handover();
        if (handover.isPresent()) {
            return new HandoverConnection(this, ctx, handover.get(), takeOver);
        }
        if (takeOver) {
            return new Takeover(this, ctx, listener);
        }
        return new StreamConnection(this, ctx, listener);
    }

    /**
     * The one place where an upgrade of a well-formed request on our path is accepted or refused:
     * the headers to add to the 101, or {@link UpgradeListener.Refused} to refuse (the request is then
     * routed as plain HTTP, whose handler for the path answers the status). The listener is told the
     * connection's peer, so that a credential sent with the upgrade is throttled by its address.
     */
    private static Optional<Headers> accepted(UpgradeListener listener, ConnectionContext ctx, HttpPrologue prologue,
                                              WritableHeaders<?> headers) throws UpgradeListener.Refused {
        return listener.onHttpUpgrade(prologue, headers, ctx.remotePeer());
    }

    /** Closes every connection now (the server is stopping). */
    public void closeAll() {
        for (DirectWebSocket socket : open) {
            socket.terminate();
        }
    }

    /** How many connections taken over by the poller are open. */
    public int openCount() {
        return takenOver.size();
    }

    /** A connection over {@code transport} to {@code remoteHost}, counted as open until it closes. */
    DirectWebSocket connection(FrameTransport transport, UpgradeListener listener, String remoteHost,
                               Optional<X509Certificate> clientCertificate, boolean polled) {
        DirectWebSocket connection = new DirectWebSocket(transport, listener, remoteHost, clientCertificate, maxFrameBytes,
                closed -> {
                    open.remove(closed);
                    takenOver.remove(closed);
                });
        open.add(connection);
        if (polled) {
            takenOver.add(connection);
        }
        return connection;
    }

    Optional<RawSockets> sockets() {
        return sockets;
    }

    BufferPool readBuffers() {
        return readBuffers;
    }

    /** What RFC 6455 (4.2.1) asks of an opening handshake beyond the Upgrade header Helidon matched us by. */
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
