package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import io.cloudterm.testkit.HttpHead;
import io.cloudterm.websocket.ClientFrames;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Terminal WebSockets on sockets taken over from Helidon (native mode, plain TCP), driven by a
 * client that writes its frames by hand: the upgrade, frames that come early or in pieces,
 * pings, closes, broken rules and dropped connections.
 */
class TakenOverWebSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** RFC 6455's own sample key, and the accept value the RFC gives for it. */
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    private static final byte[] JSON_DATA = ClientFrames.frame(0x82, "{\"AuthToken\":\"\",\"columns\":80,\"rows\":24}");

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--native", "on", "--no-auth", "--", "sh");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A hand-driven connection: the upgrade request has been written, nothing read yet. */
    private static final class Connection implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final StringBuilder output = new StringBuilder();

        Connection(byte[] afterRequest) throws IOException {
            socket = new Socket("127.0.0.1", server.server().port());
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: tty\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(afterRequest);
            out.write(request.toByteArray());
        }

        String responseHead() throws IOException {
            return HttpHead.read(in);
        }

        void send(byte[] frame) throws IOException {
            out.write(frame);
        }

        void input(String keys) throws IOException {
            send(ClientFrames.frame(0x82, "0" + keys));
        }

        /** Reads one frame, adding it to the output if it is terminal output. */
        ClientFrames.Frame next() throws IOException {
            ClientFrames.Frame frame = ClientFrames.read(in);
            if (frame.opcode() == 0x2 && frame.payload()[0] == '0') {
                output.append(new String(frame.payload(), 1, frame.payload().length - 1, StandardCharsets.UTF_8));
            }
            return frame;
        }

        /** Reads frames, collecting terminal output, until one of {@code opcode} comes. */
        ClientFrames.Frame awaitFrame(int opcode) throws IOException {
            while (true) {
                ClientFrames.Frame frame = next();
                if (frame.opcode() == opcode) {
                    return frame;
                }
            }
        }

        /** Reads output until {@code pattern} matches it. */
        Matcher awaitOutput(Pattern pattern) throws IOException {
            while (true) {
                Matcher matcher = pattern.matcher(output);
                if (matcher.find()) {
                    return matcher;
                }
                next();
            }
        }

        long shellPid() throws IOException {
            input("echo pid=$$.\r");
            return Long.parseLong(awaitOutput(Pattern.compile("pid=(\\d+)\\.")).group(1));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void theUpgradeIsAnsweredAndTheSocketServedOffHelidon() throws Exception {
        try (Connection client = new Connection(new byte[0])) {
            String head = client.responseHead();
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            assertTrue(head.contains("Sec-WebSocket-Accept: " + ACCEPT + "\r\n"), head);
            assertTrue(head.contains("Sec-WebSocket-Protocol: tty\r\n"), head);
            client.send(JSON_DATA);
            client.input("echo direct$((40+2))\r");
            client.awaitOutput(Pattern.compile("direct42"));
            assertEquals(1, server.server().takenOverWebSockets());
        }
    }

    @Test
    void framesSentRightAfterTheRequestAreNotLost() throws Exception {
        ByteArrayOutputStream early = new ByteArrayOutputStream();
        early.writeBytes(JSON_DATA);
        early.writeBytes(ClientFrames.frame(0x82, "0echo early$((6*7))\r"));
        try (Connection client = new Connection(early.toByteArray())) {
            client.responseHead();
            client.awaitOutput(Pattern.compile("early42"));
        }
    }

    @Test
    void framesArrivingOneByteAtATimeAreReassembled() throws Exception {
        try (Connection client = new Connection(new byte[0])) {
            client.responseHead();
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            frames.writeBytes(JSON_DATA);
            frames.writeBytes(ClientFrames.frame(0x02, "0echo pie"));
            frames.writeBytes(ClientFrames.frame(0x80, "ces$((1+1))\r"));
            for (byte b : frames.toByteArray()) {
                client.out.write(b);
                client.out.flush();
                Thread.sleep(1);
            }
            client.awaitOutput(Pattern.compile("pieces2"));
        }
    }

    @Test
    void aPingIsAnsweredWithItsPayload() throws Exception {
        try (Connection client = new Connection(JSON_DATA)) {
            client.responseHead();
            client.send(ClientFrames.frame(0x89, "are you there?"));
            assertEquals("are you there?", client.awaitFrame(0xA).text());
        }
    }

    @Test
    void aCloseFrameIsAnsweredTheSocketClosedAndTheTerminalHungUp() throws Exception {
        try (Connection client = new Connection(JSON_DATA)) {
            client.responseHead();
            long pid = client.shellPid();
            client.send(ClientFrames.frame(0x88, new byte[] {0x03, (byte) 0xE8}, true));
            assertEquals(1000, client.awaitFrame(0x8).closeCode());
            assertThrows(EOFException.class, () -> ClientFrames.read(client.in), "the server closes the TCP connection");
            assertTrue(Processes.awaitGone(pid, WAIT), "the shell is hung up");
        }
    }

    @Test
    void bytesAfterTheCloseHandshakeAreDrainedNotAnsweredWithAReset() throws Exception {
        try (Connection client = new Connection(JSON_DATA)) {
            client.responseHead();
            client.shellPid();
            client.send(ClientFrames.frame(0x88, new byte[] {0x03, (byte) 0xE8}, true));
            assertEquals(1000, client.awaitFrame(0x8).closeCode());
            // A late pong (the JDK client sends one for a ping that crossed its close): a server that
            // closed at once would answer it with a reset instead of the end of the stream.
            client.send(ClientFrames.frame(0x8A, "late"));
            Thread.sleep(200);
            client.send(ClientFrames.frame(0x8A, "later"));
            assertThrows(EOFException.class, () -> ClientFrames.read(client.in), "an orderly end, not a reset");
        }
    }

    @Test
    void anUnmaskedFrameClosesWith1002AndHangsUpTheTerminal() throws Exception {
        try (Connection client = new Connection(JSON_DATA)) {
            client.responseHead();
            long pid = client.shellPid();
            client.send(ClientFrames.frame(0x82, "0ls\r".getBytes(StandardCharsets.UTF_8), false));
            ClientFrames.Frame close = client.awaitFrame(0x8);
            assertEquals(1002, close.closeCode());
            assertTrue(close.text().contains("must be masked"), close.text());
            assertTrue(Processes.awaitGone(pid, WAIT), "the shell is hung up");
        }
    }

    @Test
    void aDroppedConnectionHangsUpItsTerminalAndIsForgotten() throws Exception {
        long pid;
        try (Connection client = new Connection(JSON_DATA)) {
            client.responseHead();
            pid = client.shellPid();
        }
        assertTrue(Processes.awaitGone(pid, WAIT), "the shell of a vanished client is hung up");
        await().atMost(WAIT).untilAsserted(() -> assertEquals(0, server.server().takenOverWebSockets()));
    }

    @Test
    void aFrameOverTheLimitClosesWith1009() throws Exception {
        try (Connection client = new Connection(JSON_DATA)) {
            client.responseHead();
            byte[] header = {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4};
            client.send(header);
            assertEquals(1009, client.awaitFrame(0x8).closeCode());
        }
    }

    @Test
    void inPureJavaModeHelidonServesWebSockets() throws Exception {
        try (TestServer pure = TestServer.start("--native", "off", "--no-auth", "--", "sh");
             TtyClient client = pure.open(80, 24)) {
            client.input("echo helidon$((2+3))\r");
            client.awaitOutput("helidon5", WAIT);
            assertEquals(0, pure.server().takenOverWebSockets());
        }
    }
}
