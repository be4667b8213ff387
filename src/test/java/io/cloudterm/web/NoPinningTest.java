package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudterm.client.TtyClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With 200 terminals streaming at once, the server still answers an HTTP request. A blocking
 * native read would pin the virtual threads' carriers (two of them on two cores) and freeze it.
 */
class NoPinningTest {

    @Test
    void twoHundredStreamingTerminalsDoNotStarveHttp() throws Exception {
        int terminals = 200;
        // Each child prints a line every 50 ms without forking (bash's read -t as the timer): 4,000 lines
        // a second in all, real streaming without turning the test into a CPU benchmark of 2 cores.
        try (TestServer server = TestServer.start("--native", "on", "--no-auth", "--max-terminals", "250",
                "--max-terminals-per-user", "250", "--", "bash", "--norc", "--noprofile", "-c",
                "while :; do echo 0123456789012345678901234567890123456789; read -t 0.05 _; done")) {
            List<TtyClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < terminals; i++) {
                    clients.add(TtyClient.connect(server.ws(), Map.of()).keepOnlyRecentOutput(64 * 1024).handshake("", 80, 24));
                }
                for (TtyClient client : clients) {
                    client.awaitOutput("\r\n", Duration.ofSeconds(60));
                }
                assertEquals(terminals, server.server().terminals().size());
                long before = clients.stream().mapToLong(TtyClient::outputBytesSeen).sum();
                for (int i = 0; i < 5; i++) {
                    // The request must answer at all; with pinned carriers it never would. The HTTP client's
                    // 10 s timeout turns a freeze into a failure.
                    assertEquals(200, server.get("", Map.of()).statusCode());
                    Thread.sleep(200);
                }
                long after = clients.stream().mapToLong(TtyClient::outputBytesSeen).sum();
                org.junit.jupiter.api.Assertions.assertTrue(after > before, "the terminals were streaming all along");
            } finally {
                clients.forEach(TtyClient::abort);
            }
            server.awaitNoTerminals();
        }
    }
}
