package io.cloudterm.websocket;

import io.cloudterm.io.SocketFds;
import io.helidon.common.socket.HelidonSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Bounds the kernel's send buffer of a WebSocket connection. Left to itself, Linux grows a TCP
 * socket's send buffer up to {@code net.ipv4.tcp_wmem}'s maximum (4 MB by default) for a peer
 * that does not read: every such client would pin megabytes of kernel memory per connection on
 * top of what the terminal itself bounds (its fell-behind limit). A fixed {@code SO_SNDBUF} turns
 * that auto-tuning off for the socket.
 *
 * <p>Set once, on the JDK socket under Helidon's, at the upgrade: it is the same kernel socket the
 * native layer takes over (a duplicate fd shares its options), so both transports get it.
 */
final class SendBuffer {

    /**
     * 256 KiB asked (Linux doubles it for its own bookkeeping, so about 512 KiB of kernel memory
     * at most). It does not slow a terminal down: a buffer caps a connection at about its size per
     * round trip, 256 KiB per 100 ms is 2.5 MB/s, more than a browser's terminal draws. Measured
     * on loopback (100 MB of output to one reading client, best of three, on a busy 2-core machine):
     * 109 MB/s with it against 95 without in native mode, 108 against 84 in pure-Java mode.
     */
    static final int BYTES = 256 * 1024;

    private static final Logger LOG = Logger.getLogger(SendBuffer.class.getName());

    private SendBuffer() {
    }

    /** Bounds the send buffer of {@code socket}; where its JDK socket is out of reach, leaves it as it is. */
    static void bound(HelidonSocket socket) {
        Socket javaSocket = SocketFds.javaSocket(socket);
        if (javaSocket == null) {
            return; // the server says at start-up why the JDK socket is out of reach
        }
        try {
            javaSocket.setSendBufferSize(BYTES);
        } catch (SocketException e) {
            LOG.log(Level.FINE, "cannot bound the send buffer of a WebSocket connection", e);
        }
    }
}
