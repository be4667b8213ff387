package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.testkit.HttpHead;
import io.cloudterm.websocket.ClientFrames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An attacker who speaks WebSocket by hand sends every kind of broken frame and hostile JSON, to
 * each way the server can serve a terminal WebSocket: taken over by the native poller (plain TCP,
 * native mode), on Helidon's connection in pure-Java mode, and over TLS. Each must be answered
 * alike: the exact close code, a short reason for a person, never an HTTP response inside the
 * WebSocket stream, never a stack trace in the server's log.
 */
@Tag("security")
class WebSocketProtocolAttackTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: tty\r\n\r\n";
    private static final byte[] JSON_DATA = ClientFrames.frame(0x82, "{\"AuthToken\":\"\",\"columns\":80,\"rows\":24}");

    /** The three ways a terminal WebSocket is served. */
    enum Setup { NATIVE_PLAIN, PURE_JAVA_PLAIN, TLS }

    @TempDir
    static Path dir;
    private static final Map<Setup, TestServer> SERVERS = new EnumMap<>(Setup.class);
    private static SSLContext tls;
    private static final List<LogRecord> STACK_TRACES = Collections.synchronizedList(new ArrayList<>());
    private static final Handler LOG_WATCH = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getThrown() != null) {
                STACK_TRACES.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void servers() throws Exception {
        TlsFixtures ca = TlsFixtures.authority(dir, "ca");
        TlsFixtures.Identity identity = ca.server(TlsFixtures.KeyFormat.PKCS8_EC);
        tls = TlsFixtures.clientContext(ca.certificate(), null);
        SERVERS.put(Setup.NATIVE_PLAIN, TestServer.start("--native", "on", "--no-auth", "--", "sh"));
        SERVERS.put(Setup.PURE_JAVA_PLAIN, TestServer.start("--native", "off", "--no-auth", "--", "sh"));
        SERVERS.put(Setup.TLS, TestServer.start("--native", "on", "--no-auth", "--ssl", "--ssl-cert",
                identity.certificate().toString(), "--ssl-key", identity.key().toString(), "--", "sh"));
        // After the servers: Helidon reads logging.properties at its start, which resets the root handlers.
        Logger.getLogger("").addHandler(LOG_WATCH);
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TestServer::close);
        Logger.getLogger("").removeHandler(LOG_WATCH);
    }

    /** What the attacker sends after the 101 (JSON_DATA first where the attack needs a started terminal), and the answer due. */
    record Attack(String name, byte[] bytes, int closeCode) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static byte[] join(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    private static byte[] closeFrame(int code, byte... reason) {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return ClientFrames.frame(0x88, payload, true);
    }

    static List<Attack> attacks() {
        List<Attack> attacks = new ArrayList<>(List.of(
                new Attack("unknown data opcode", ClientFrames.frame(0x83, "0ls"), 1002),
                new Attack("unknown control opcode", ClientFrames.frame(0x8B, "ping"), 1002),
                new Attack("reserved bit without an extension", ClientFrames.frame(0xC2, "0ls"), 1002),
                // Only the first two bytes: the server must not wait for a mask key that never comes.
                new Attack("unmasked frame, refused from its second byte", new byte[] {(byte) 0x82, 0x03}, 1002),
                new Attack("1-byte close payload", ClientFrames.frame(0x88, new byte[] {0x03}, true), 1002),
                new Attack("close reason not UTF-8", closeFrame(1000, (byte) 'o', (byte) 0xC3, (byte) 0x28), 1007),
                new Attack("126-byte ping", ClientFrames.frame(0x89, new byte[126], true), 1002),
                new Attack("fragmented ping", join(ClientFrames.frame(0x09, "are you"), ClientFrames.frame(0x80, " there")), 1002),
                new Attack("continuation without a start", ClientFrames.frame(0x80, "0ls"), 1002),
                new Attack("text frame not UTF-8", ClientFrames.frame(0x81, new byte[] {'{', (byte) 0xED, (byte) 0xA0, (byte) 0x80}, true), 1007),
                new Attack("frame over 1 MiB", ClientFrames.frame(0x82, new byte[(1 << 20) + 1], true), 1009),
                new Attack("JSON_DATA with a 5000-digit number",
                        ClientFrames.frame(0x82, "{\"AuthToken\":\"\",\"columns\":" + "9".repeat(5000) + ",\"rows\":24}"), 4001),
                new Attack("RESIZE with a 5000-digit number",
                        join(JSON_DATA, ClientFrames.frame(0x82, "1{\"columns\":" + "9".repeat(5000) + ",\"rows\":24}")), 4001),
                new Attack("RESIZE nested 100,000 deep", join(JSON_DATA, ClientFrames.frame(0x82,
                        "1{\"columns\":80,\"rows\":24,\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}")), 4001),
                new Attack("JSON_DATA in a text frame not UTF-8", ClientFrames.frame(0x81, new byte[] {'{', '"', (byte) 0xFF, '"'}, true), 1007)));
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
            attacks.add(new Attack("close code " + code, closeFrame(code), 1002));
        }
        return attacks;
    }

    static Stream<Arguments> setupsAndAttacks() {
        return Stream.of(Setup.values()).flatMap(setup -> attacks().stream().map(attack -> Arguments.of(setup, attack)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("setupsAndAttacks")
    void everyServerAnswersTheSameBadInputWithTheSameCloseCodeAndNoStackTrace(Setup setup, Attack attack) throws Exception {
        int tracesBefore = STACK_TRACES.size();
        byte[] afterUpgrade;
        try (Socket socket = connect(setup)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = HttpHead.read(in);
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            out.write(attack.bytes());
            out.flush();
            afterUpgrade = readToTheEnd(in, out);
        }
        ClientFrames.Frame close = closeFrameIn(afterUpgrade);
        String reason = new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8);
        assertEquals(attack.closeCode(), close.closeCode(), "close code; reason: " + reason);
        assertTrue(!reason.isBlank() && reason.length() <= 80 && !reason.contains("Exception") && !reason.contains("java."),
                "a short reason for a person: " + reason);
        assertFalse(new String(afterUpgrade, StandardCharsets.ISO_8859_1).contains("HTTP/1."),
                "an HTTP response inside the WebSocket stream");
        List<String> traces;
        synchronized (STACK_TRACES) {
            traces = STACK_TRACES.subList(tracesBefore, STACK_TRACES.size()).stream()
                    .map(r -> r.getLoggerName() + ": " + r.getMessage() + ": " + r.getThrown()).toList();
        }
        assertEquals(List.of(), traces, "stack traces in the server's log");
        assertTrue(List.of(Logger.getLogger("").getHandlers()).contains(LOG_WATCH), "the log is still watched");
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Setup.class)
    void aMalformedUpgradeIsAnsweredInHttpAndNeverBecomesAWebSocket(Setup setup) throws Exception {
        for (String request : List.of(UPGRADE.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ="),
                UPGRADE.replace("Version: 13", "Version: 8"), UPGRADE.replace("GET /ws ", "GET /other "))) {
            try (Socket socket = connect(setup)) {
                socket.setSoTimeout((int) WAIT.toMillis());
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                String head = HttpHead.read(socket.getInputStream());
                assertTrue(head.matches("(?s)HTTP/1\\.1 4\\d\\d .*"), request.lines().findFirst() + " answered " + head);
            }
        }
    }

    private static Socket connect(Setup setup) throws IOException {
        int port = SERVERS.get(setup).server().port();
        if (setup == Setup.TLS) {
            return tls.getSocketFactory().createSocket("127.0.0.1", port);
        }
        Socket socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        return socket;
    }


    /**
     * Everything the server sends until it hangs up; once its close frame has come, answers with
     * one, as a browser does, so the server need not wait out its grace period.
     */
    private static byte[] readToTheEnd(InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        boolean answered = false;
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                break; // a reset after the close handshake ends the stream just as well
            }
            if (n < 0) {
                break;
            }
            all.write(buffer, 0, n);
            if (!answered && hasCloseFrame(all.toByteArray())) {
                answered = true;
                try {
                    out.write(closeFrame(1000));
                    out.flush();
                } catch (IOException e) {
                    // The server may have closed already: it owes us nothing more.
                }
            }
        }
        return all.toByteArray();
    }

    private static boolean hasCloseFrame(byte[] bytes) {
        try {
            closeFrameIn(bytes);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    /** The server's close frame among the frames in {@code bytes}. */
    private static ClientFrames.Frame closeFrameIn(byte[] bytes) {
        InputStream in = new ByteArrayInputStream(bytes);
        try {
            while (true) {
                ClientFrames.Frame frame = ClientFrames.read(in);
                if (frame.opcode() == 0x8) {
                    assertTrue(frame.payload().length >= 2, "a close frame without a code");
                    return frame;
                }
            }
        } catch (IOException e) {
            throw new AssertionError("no close frame in " + bytes.length + " bytes: "
                    + new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.ISO_8859_1), e);
        }
    }
}
