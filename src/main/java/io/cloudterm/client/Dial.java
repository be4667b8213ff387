package io.cloudterm.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.Map;

/**
 * A WebSocket upgrade on a plain socket of one's own, for whoever carries the connection on
 * without this client's frames: the gateway, which relays the bytes after the 101 as they are.
 * The socket is a {@code java.net.Socket} (not a channel) so that its fd can be adopted.
 */
public final class Dial {

    /** The upgraded socket, and the bytes the host sent after its 101 (flipped, to be read). */
    public record Upgraded(Socket socket, ByteBuffer rest) {
    }

    private Dial() {
    }

    /**
     * Connects to {@code address} and asks for the upgrade of {@code target} (path and query) with
     * {@code headers} and {@code subprotocol}, all within {@code timeout}; checks the 101 and its
     * {@code Sec-WebSocket-Accept}. {@code authority} is the request's {@code Host}. Throws
     * {@link UpgradeRefusedException} with the host's status if it answered otherwise.
     */
    public static Upgraded upgrade(InetSocketAddress address, String authority, String target, Map<String, String> headers,
                                   String subprotocol, Duration timeout) throws IOException {
        URI uri;
        try {
            uri = new URI("ws://" + authority + target);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a request target: " + target, e);
        }
        Socket socket = new Socket();
        try {
            try {
                socket.connect(address, (int) timeout.toMillis());
            } catch (SocketTimeoutException e) {
                throw new IOException("not connected within " + timeout.toMillis() + " ms", e);
            }
            socket.setTcpNoDelay(true); // keystrokes go out at once
            socket.setKeepAlive(true);
            Wire wire = new Wire(socket, socket.getInputStream(), Channels.newChannel(socket.getInputStream()),
                    Channels.newChannel(socket.getOutputStream()));
            ByteBuffer rest = ByteBuffer.allocate(Upgrade.HEAD_LIMIT);
            Upgrade.perform(wire, uri, headers, subprotocol, timeout, rest);
            return new Upgraded(socket, rest);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
