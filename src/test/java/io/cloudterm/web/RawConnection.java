package io.cloudterm.web;

import io.cloudterm.testkit.HttpHead;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One held TCP connection speaking HTTP/1 byte by byte, for requests no HTTP client library would send
 * (half-sent, dripped, framed two ways). Every read is bounded.
 */
final class RawConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    static RawConnection connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return new RawConnection(socket);
    }

    static RawConnection over(Socket socket) throws IOException {
        return new RawConnection(socket);
    }

    RawConnection send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Everything the server sends until it closes the connection; fails if it has not closed within {@code wait}. */
    String readUntilClosed(Duration wait) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long end = System.nanoTime() + wait.toNanos();
        byte[] buffer = new byte[8192];
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the server did not close within " + wait + "; it sent: "
                        + all.toString(StandardCharsets.ISO_8859_1));
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (SocketException e) {
                return all.toString(StandardCharsets.ISO_8859_1); // reset after the answer
            }
            if (n < 0) {
                return all.toString(StandardCharsets.ISO_8859_1);
            }
            all.write(buffer, 0, n);
        }
    }

    /** One response (head and a Content-Length body), leaving the connection open. */
    String readResponse(Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        String text = HttpHead.read(in);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    /** Whether the server has closed the connection, waiting at most {@code wait} for it. */
    boolean closedWithin(Duration wait) throws IOException {
        try {
            readUntilClosed(wait);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
