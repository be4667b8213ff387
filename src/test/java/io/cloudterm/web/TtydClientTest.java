package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.aot.TtydClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The raw-socket ttyd client (the AOT training's) speaks the protocol as a page does, against the real server. */
class TtydClientTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void typesResizesAndSeesTheTerminalEnd() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--", "sh");
             TtydClient client = TtydClient.connect(server.ws(), Map.of(), "tty", WAIT)) {
            client.sendJson("{\"AuthToken\":\"\",\"columns\":80,\"rows\":24}");
            client.input("stty size\r");
            client.awaitOutput(Pattern.compile("24 80\r\n"), WAIT);
            client.resize(100, 30).pause().resume().input("stty size; exit 3\r");
            client.awaitOutput(Pattern.compile("30 100\r\n"), WAIT);
            assertEquals(new TtydClient.Close(1000, "exit 3"), client.awaitClose(WAIT));
            assertEquals(1000, client.closeCode());
        }
    }

    @Test
    void aProtocolViolationIsReportedWithTheServersCloseCode() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--", "sh");
             TtydClient client = TtydClient.connect(server.ws(), Map.of(), "tty", WAIT)) {
            client.input("ls\r"); // before JSON_DATA
            TtydClient.Close close = client.awaitClose(WAIT);
            assertEquals(4000, close.code(), close.toString());
            assertTrue(close.reason().contains("JSON_DATA"), close.toString());
        }
    }

    @Test
    void aRefusedUpgradeFailsTheConnectWithTheStatus() {
        try (TestServer server = TestServer.start("--", "sh")) { // a token is needed: no cookie, no upgrade
            IOException refused = assertThrows(IOException.class, () -> TtydClient.connect(server.ws(), Map.of(), "tty", WAIT));
            assertTrue(refused.getMessage().contains("upgrade refused") && refused.getMessage().contains("401"), refused.getMessage());
        }
    }
}
