package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import io.cloudterm.config.ServerConfig;
import io.cloudterm.websocket.ClientFrames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every malformed message of PROTOCOL.md gets a clear close code and reason; none crashes or leaks. */
class BadInputTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--no-auth", "--", "sh");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private TtyClient connect() {
        return TtyClient.connect(server.ws(), Map.of());
    }

    private void assertClosedWith(int code, String reasonPart, TtyClient client) {
        TtyClient.Close close = client.awaitClose(WAIT);
        assertEquals(code, close.code(), close.toString());
        assertTrue(close.reason().contains(reasonPart), close.toString());
    }

    @Test
    void inputBeforeJsonDataIsAProtocolViolation() {
        TtyClient client = connect().input("ls\r");
        assertClosedWith(4000, "first message must be JSON_DATA", client);
    }

    @Test
    void anEmptyMessageIsAProtocolViolation() {
        TtyClient client = connect().send(new byte[0]);
        assertClosedWith(4000, "empty message", client);
    }

    @Test
    void malformedJsonIsRefused() {
        assertClosedWith(4001, "malformed JSON", connect().send("{\"columns\":80,"));
    }

    @Test
    void jsonThatIsNotAnObjectIsRefused() {
        TtyClient client = connect().handshake("", 80, 24);
        client.send("1[80,24]");
        assertClosedWith(4001, "expected a JSON object", client);
    }

    @Test
    void missingColumnsAreRefused() {
        assertClosedWith(4001, "'columns' is missing", connect().send("{\"rows\":24}"));
    }

    @Test
    void textInsteadOfANumberIsRefused() {
        assertClosedWith(4001, "'rows' must be a number", connect().send("{\"columns\":80,\"rows\":\"many\"}"));
    }

    @Test
    void invalidUtf8InsideJsonIsRefused() {
        byte[] json = "{\"AuthToken\":\"\u00e9\",\"columns\":80,\"rows\":24}".getBytes(StandardCharsets.UTF_8);
        byte[] broken = new byte[json.length - 1];
        // Drop the second byte of the two-byte é: a lone lead byte is not UTF-8.
        int at = new String(json, StandardCharsets.ISO_8859_1).indexOf('\u00c3');
        System.arraycopy(json, 0, broken, 0, at + 1);
        System.arraycopy(json, at + 2, broken, at + 1, json.length - at - 2);
        assertClosedWith(4001, "not valid UTF-8", connect().send(broken));
    }

    @Test
    void absurdSizesAreClampedNotRejected() {
        try (TtyClient client = connect().send("{\"columns\":-5,\"rows\":1e12}")) {
            client.input("stty size\r");
            client.awaitOutput("1000 1\r\n", WAIT);
            client.send("1{\"columns\":0,\"rows\":0}");
            client.input("stty size\r");
            client.awaitOutput("1 1\r\n", WAIT);
        }
    }

    @Test
    void anUnknownCommandByteIsRefused() {
        TtyClient client = connect().handshake("", 80, 24);
        client.send("9whatever");
        assertClosedWith(4002, "unknown command byte 0x39", client);
    }

    @Test
    void jsonDataTwiceIsAProtocolViolation() {
        TtyClient client = connect().handshake("", 80, 24);
        client.handshake("", 80, 24);
        assertClosedWith(4000, "JSON_DATA sent twice", client);
    }

    @Test
    void anOversizedMessageIsRefused() {
        // Fragments of 256 KiB each, 8 of them: every frame is fine, the message is not.
        TtyClient client = connect().handshake("", 80, 24);
        try {
            for (int i = 0; i < 8; i++) {
                byte[] fragment = new byte[256 * 1024];
                fragment[0] = '0';
                client.sendFrame((i == 7 ? ClientFrames.FIN : 0) | (i == 0 ? ClientFrames.BINARY : ClientFrames.CONTINUATION), fragment);
            }
        } catch (RuntimeException e) {
            // the server may close before the whole message is written
        }
        TtyClient.Close close = client.awaitClose(WAIT);
        assertEquals(1009, close.code(), close.toString());
    }

    @Test
    void anOversizedFrameEndsTheConnectionAndItsTerminal() throws Exception {
        TtyClient client = connect().handshake("", 80, 24);
        long pid = Shell.pid(client);
        byte[] huge = new byte[2 * 1024 * 1024];
        huge[0] = '0';
        try {
            client.send(huge);
        } catch (RuntimeException e) {
            // Helidon stops reading a frame over its 1 MiB limit and closes with 1009; a client still
            // writing the frame sees a broken pipe instead of the close frame.
        }
        client.awaitClose(WAIT);
        assertTrue(Processes.awaitGone(pid, WAIT), "the terminal of a refused connection is hung up");
    }

    @Test
    void textFramesWithTheSameLayoutWork() {
        try (TtyClient client = connect()) {
            client.sendFrame(ClientFrames.FIN | ClientFrames.TEXT, "{\"AuthToken\":\"\",\"columns\":80,\"rows\":24}"
                    .getBytes(StandardCharsets.UTF_8));
            client.sendFrame(ClientFrames.FIN | ClientFrames.TEXT, "0echo te''xt\r".getBytes(StandardCharsets.UTF_8));
            client.awaitOutput("text\r\n", WAIT);
        }
    }

    @Test
    void inputAfterTheChildExitedIsHarmless() throws Exception {
        try (TestServer exiting = TestServer.start("--no-auth", "--", "sh", "-c", "exit 0")) {
            TtyClient client = TtyClient.connect(exiting.ws(), Map.of()).handshake("", 80, 24);
            assertEquals(new TtyClient.Close(1000, "exit 0"), client.awaitClose(WAIT));
            try {
                client.input("echo too late\r").resize(90, 30);
            } catch (RuntimeException e) {
                // the socket may already be closed for output: that is fine too
            }
            // The server still serves new clients.
            TtyClient next = TtyClient.connect(exiting.ws(), Map.of()).handshake("", 80, 24);
            assertEquals(new TtyClient.Close(1000, "exit 0"), next.awaitClose(WAIT));
        }
    }

    @Test
    void readonlyClientsCannotTypeOrResize() {
        try (TestServer readonly = TestServer.start("--no-auth", "-R", "--", "sh", "-c", "sleep 1; stty size; sleep 30");
             TtyClient client = TtyClient.connect(readonly.ws(), Map.of()).handshake("", 80, 24)) {
            client.input("echo typed\r");
            client.resize(120, 50);
            client.awaitOutput("24 80\r\n", WAIT);
            assertFalse(client.outputText().contains("typed"), client.outputText());
        }
    }

    @Test
    void aClientThatNeverSendsJsonDataIsClosed() {
        // A server of its own, whose greeting timeout (10 s by default) is short enough to wait out.
        ServerConfig.Timers timers = new ServerConfig.Timers(Duration.ofMillis(500), ServerConfig.Timers.DEFAULT.sessionSweep());
        try (TestServer impatient = TestServer.start(b -> b.timers(timers), "--no-auth", "--", "sh")) {
            TtyClient client = TtyClient.connect(impatient.ws(), Map.of());
            assertClosedWith(4008, "no JSON_DATA within 500 ms", client);
        }
    }

    @Test
    void aPlainGetOnTheWebSocketPathIsABadRequest() {
        assertEquals(400, server.get("ws", Map.of()).statusCode());
    }
}
