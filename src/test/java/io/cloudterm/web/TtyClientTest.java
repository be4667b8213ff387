package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import io.cloudterm.client.UpgradeRefusedException;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The product's ttyd client speaks the protocol as a page does, against the real server. */
class TtyClientTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void typesResizesAndSeesTheTerminalEnd() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--", "sh");
             TtyClient client = TtyClient.connect(server.ws(), Map.of())) {
            client.handshake("", 80, 24).input("stty size\r");
            client.awaitOutput("24 80\r\n", WAIT);
            client.resize(100, 30).pause().resume().input("stty size; exit 3\r");
            assertEquals("30", client.awaitMatch(Pattern.compile("(\\d+) 100\r\n"), WAIT).group(1));
            assertEquals(new TtyClient.Close(1000, "exit 3"), client.awaitClose(WAIT));
            assertTrue(client.terminalInfo().isDone(), "TERMINAL_INFO came before the output");
        }
    }

    @Test
    void aProtocolViolationIsReportedWithTheServersCloseCode() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--", "sh");
             TtyClient client = TtyClient.connect(server.ws(), Map.of())) {
            client.input("ls\r"); // before JSON_DATA
            TtyClient.Close close = client.awaitClose(WAIT);
            assertEquals(4000, close.code(), close.toString());
            assertTrue(close.reason().contains("JSON_DATA"), close.toString());
        }
    }

    @Test
    void aRefusedUpgradeFailsTheConnectWithTheStatus() {
        try (TestServer server = TestServer.start("--", "sh")) { // a token is needed: no cookie, no upgrade
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> TtyClient.connect(server.ws(), Map.of()));
            UpgradeRefusedException refused = assertInstanceOf(UpgradeRefusedException.class, e.getCause());
            assertEquals(401, refused.status(), refused.getMessage());
        }
    }

    @Test
    void outputGivenToASinkArrivesWholeAndInOrderAndIsOnlyCounted() throws Exception {
        int lines = 100_000;
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (TestServer server = TestServer.start("--no-auth", "--", "seq", "1", String.valueOf(lines));
             TtyClient client = TtyClient.builder(server.ws()).readBuffer(8 * 1024).output((payload, last) -> {
                 byte[] piece = new byte[payload.remaining()];
                 payload.get(piece);
                 received.writeBytes(piece);
             }).connect()) {
            client.handshake("", 80, 24);
            assertEquals(new TtyClient.Close(1000, "exit 0"), client.awaitClose(WAIT));
            String expected = Shell.countedLines(lines);
            assertEquals(expected, received.toString(StandardCharsets.UTF_8));
            assertEquals(expected.length(), client.outputBytesSeen());
            assertEquals("", client.outputText(), "output given away is not kept");
            assertTrue(client.messages().stream().noneMatch(m -> m.length > 0 && m[0] == '0'), "no OUTPUT message kept");
            assertTrue(client.terminalInfo().get(1, TimeUnit.SECONDS).contains("\"terminal\""), "TERMINAL_INFO is still read");
        }
    }
}
