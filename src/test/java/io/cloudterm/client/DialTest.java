package io.cloudterm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.io.SocketFd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The gateway's side of an upgrade: the socket it dialed is handed on with its fd readable. */
class DialTest {

    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");

    @Test
    void theUpgradedSocketsFdCanBeAdopted() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> host = CompletableFuture.runAsync(() -> answer(listening));
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listening.getLocalPort());
            Dial.Upgraded upgraded = Dial.upgrade(address, "127.0.0.1:" + listening.getLocalPort(), "/ws", Map.of(), "tty",
                    Duration.ofSeconds(10));
            try (Socket socket = upgraded.socket()) {
                assertEquals(null, SocketFd.whyNot(), "the test JVM opens java.net and java.io as the jar's manifest does");
                assertTrue(SocketFd.of(socket) >= 0, "the dialed socket's fd is readable, for the gateway to adopt");
            }
            host.get(10, TimeUnit.SECONDS);
        }
    }

    /** Answers one upgrade with a 101 as a host does. */
    private static void answer(ServerSocket listening) {
        try (Socket socket = listening.accept()) {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the request ended early");
                }
                head.write(b);
            }
            Matcher key = KEY.matcher(head.toString(StandardCharsets.ISO_8859_1));
            if (!key.find()) {
                throw new IOException("no Sec-WebSocket-Key in " + head);
            }
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Base64.getEncoder().encodeToString(digest) + "\r\n"
                    + "Sec-WebSocket-Protocol: tty\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            // Held open until the dialer has looked at its socket and closed it.
            in.read();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
