package io.cloudterm.files;

import io.cloudterm.testkit.HttpHead;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * One raw HTTP/1.1 connection to a loopback server, for requests one after another: each response
 * body is read as exactly Content-Length bytes, so a byte too many or too few shows in the next
 * response on the same connection.
 */
final class HttpConnection implements AutoCloseable {

    private static final int PATIENCE_MILLIS = 60_000;

    private final Socket socket;
    private final InputStream in;

    private HttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    /** Connects; a {@code receiveBuffer} above 0 keeps the client's socket buffer small, so the server's fills up. */
    static HttpConnection open(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connect: it sets the window scale
        }
        socket.setSoTimeout(PATIENCE_MILLIS);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), PATIENCE_MILLIS);
        return new HttpConnection(socket);
    }

    /** Over a socket connected already, e.g. a TLS one. */
    static HttpConnection over(Socket socket) throws IOException {
        socket.setSoTimeout(PATIENCE_MILLIS);
        return new HttpConnection(socket);
    }

    /** Sends a GET and reads the response head; the body is left for the {@link Response} to read. */
    Response get(String target) throws IOException {
        send(target);
        return next();
    }

    /** Sends GETs for every target in one write, before reading any response: pipelining. */
    void send(String... targets) throws IOException {
        StringBuilder requests = new StringBuilder();
        for (String target : targets) {
            requests.append("GET ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }
        socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads the head of the next response; the previous one's body must have been read. */
    Response next() throws IOException {
        return new Response(HttpHead.read(in));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** One response: its head, and its body still on the connection. */
    final class Response {
        private final String head;

        private Response(String head) {
            this.head = head;
        }

        int status() {
            return Integer.parseInt(head.substring(9, 12));
        }

        /** The value of a header, or null. */
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }

        long contentLength() {
            return Long.parseLong(header("Content-Length"));
        }

        /** The SHA-256 of the whole body, read as exactly Content-Length bytes. */
        byte[] readBodyHash() throws IOException {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                readBody(digest, contentLength());
                return digest.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Reads exactly {@code count} more bytes of the body into {@code digest}; returns {@code count}. */
        long readBody(MessageDigest digest, long count) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            long left = count;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException("the connection ended " + left + " bytes before the body did");
                }
                digest.update(buffer, 0, n);
                left -= n;
            }
            return count;
        }

        /** Reads until the server ends the connection (an end of stream or a reset); returns the bytes read. */
        long readToEnd() throws IOException {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    total += n;
                }
            } catch (SocketException reset) {
                // An end too: the server closed with bytes of ours unread.
            }
            return total;
        }
    }
}
