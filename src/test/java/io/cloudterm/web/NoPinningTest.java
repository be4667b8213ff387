package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        try (TestServer server = TestServer.start("--native", "on", "--no-auth", "--", "sh", "-c",
                "echo started; while :; do echo 0123456789012345678901234567890123456789; sleep 0.01; done")) {
            List<TtyClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < terminals; i++) {
                    clients.add(server.open(80, 24));
                }
                for (TtyClient client : clients) {
                    client.awaitOutput("started", Duration.ofSeconds(60));
                }
                assertEquals(terminals, server.server().terminals().size());
                for (int i = 0; i < 5; i++) {
                    // The request must answer at all; with pinned carriers it never would. The HTTP client's
                    // 10 s timeout turns a freeze into a failure.
                    assertEquals(200, server.get("", Map.of()).statusCode());
                    Thread.sleep(200);
                }
            } finally {
                clients.forEach(TtyClient::abort);
            }
            LeakTest.awaitNoTerminals(server);
        }
    }
}
