package io.cloudterm.client;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The HTTP/1.1 upgrade to a WebSocket, from the client's side (RFC 6455 section 4.1). */
final class Upgrade {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom KEYS = new SecureRandom();
    /** The response's head may be no longer than this. */
    static final int HEAD_LIMIT = 8 * 1024;

    private Upgrade() {
    }

    /**
     * Asks for the upgrade with {@code headers} added and checks the answer (101, the accept
     * key, the subprotocol); puts any frame bytes that came after the head into {@code rest}.
     */
    static void perform(Wire wire, URI uri, Map<String, String> headers, String subprotocol, Duration timeout,
            ByteBuffer rest) throws IOException {
        byte[] nonce = new byte[16];
        KEYS.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
        if (headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("Host"))) {
            request.append("Host: ").append(uri.getRawAuthority()).append("\r\n");
        }
        request.append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\nSec-WebSocket-Version: 13\r\n");
        if (subprotocol != null) {
            request.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
        }
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        ByteBuffer out = ByteBuffer.wrap(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        while (out.hasRemaining()) {
            wire.out().write(out);
        }

        String head = readHead(wire, timeout, rest);
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("\\d{3}")) {
            throw new IOException("not an HTTP response: " + printable(lines[0]));
        }
        if (!status[1].equals("101")) {
            throw new UpgradeRefusedException(Integer.parseInt(status[1]), lines[0]);
        }
        Map<String, String> answer = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                answer.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        if (!accept(key).equals(answer.get("sec-websocket-accept"))) {
            throw new IOException("bad Sec-WebSocket-Accept in " + printable(head));
        }
        if (!"websocket".equalsIgnoreCase(answer.get("upgrade"))
                || !answer.getOrDefault("connection", "").toLowerCase(Locale.ROOT).contains("upgrade")) {
            throw new IOException("not an upgrade to websocket: " + printable(head));
        }
        String chosen = answer.get("sec-websocket-protocol");
        if (chosen != null && !chosen.equals(subprotocol)) {
            throw new IOException("subprotocol " + chosen + " chosen, " + subprotocol + " asked");
        }
    }

    /** The head up to its blank line, within {@code timeout}; what follows it goes into {@code rest} (left flipped). */
    private static String readHead(Wire wire, Duration timeout, ByteBuffer rest) throws IOException {
        wire.socket().setSoTimeout((int) timeout.toMillis());
        byte[] b = new byte[HEAD_LIMIT];
        int n = 0, end = -1;
        while (end < 0) {
            if (n == b.length) {
                throw new IOException("upgrade response head longer than " + b.length + " bytes");
            }
            int r;
            try {
                r = wire.head().read(b, n, b.length - n);
            } catch (SocketTimeoutException e) {
                throw new IOException("no upgrade response within " + timeout.toMillis() + " ms, after " + n + " bytes of it", e);
            }
            if (r < 0) {
                throw new IOException("connection closed during the upgrade, after "
                        + printable(new String(b, 0, n, StandardCharsets.ISO_8859_1)));
            }
            for (int i = Math.max(0, n - 3); i + 3 < n + r && end < 0; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                    end = i + 4;
                }
            }
            n += r;
        }
        wire.socket().setSoTimeout(0);
        rest.put(b, end, n - end).flip();
        return new String(b, 0, end - 4, StandardCharsets.ISO_8859_1);
    }

    private static String accept(String key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            b.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.append('\'').toString();
    }
}
