package io.cloudterm.web;

import io.cloudterm.testkit.HttpHead;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An HTTP client that writes the request exactly as given, for what HttpClient refuses to send:
 * a forged or missing Host, two Host lines, a WebSocket upgrade with any headers.
 */
final class RawHttp {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private RawHttp() {
    }

    /** A response: the status code, the head and what body came before the connection closed. */
    record Response(int status, String head, String body) {
    }

    /**
     * Sends {@code request} (CRLF line ends, blank line included) from {@code from} to the server
     * and reads the answer: up to the end of the head for a 101, else until the connection closes
     * or the body announced by Content-Length has come.
     */
    static Response exchange(TestServer server, InetAddress from, String request) {
        return exchange(server.server().port(), from, request);
    }

    /** As {@link #exchange(TestServer, InetAddress, String)}, to any server on loopback {@code port}, from 127.0.0.1. */
    static Response exchange(int port, String request) {
        return exchange(port, InetAddress.getLoopbackAddress(), request);
    }

    private static Response exchange(int port, InetAddress from, String request) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port),
                    (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String head = HttpHead.read(in);
            int status = Integer.parseInt(head.substring(9, 12));
            if (status == 101) {
                return new Response(status, head, "");
            }
            return new Response(status, head, body(in, head));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #exchange(TestServer, InetAddress, String)}, from 127.0.0.1. */
    static Response exchange(TestServer server, String request) {
        return exchange(server, InetAddress.getLoopbackAddress(), request);
    }

    /** A WebSocket upgrade of {@code /ws} for the tty subprotocol, with the given Host and Origin lines. */
    static String upgrade(String host, String origin) {
        return "GET /ws HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + origin + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: tty\r\n\r\n";
    }


    private static String body(InputStream in, String head) throws IOException {
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long expected = length.find() ? Long.parseLong(length.group(1)) : Long.MAX_VALUE;
        try {
            while (body.size() < expected) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                body.write(b);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("no end to the body after " + WAIT + ": " + body, e);
        }
        return body.toString(StandardCharsets.UTF_8);
    }
}
