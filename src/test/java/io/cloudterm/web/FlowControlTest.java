package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudterm.client.TtyClient;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PAUSE and RESUME hold output back without losing, repeating or reordering a byte, on real ptys in
 * both modes. That a paused client is sent nothing and holds the program back is pinned, without
 * waiting out a quiet period, by {@code terminal.TerminalFlowControlTest}.
 */
class FlowControlTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void outputIsByteExactUnderAFloodOfPauseAndResume(String mode) throws Exception {
        int lines = 300_000; // about 2.3 MB
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--", "seq", "1", String.valueOf(lines));
             TtyClient client = server.open(80, 24)) {
            Random random = new Random(42);
            Thread flood = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 20_000 && !client.isClosed(); i++) {
                    try {
                        if (random.nextBoolean()) {
                            client.pause();
                        } else {
                            client.resume();
                        }
                        if (random.nextInt(10) == 0) {
                            client.resume().resume().pause().pause().resume();
                        }
                    } catch (RuntimeException e) {
                        return; // closed under us
                    }
                }
            });
            flood.join();
            if (!client.isClosed()) {
                client.resume();
            }
            assertEquals(new TtyClient.Close(1000, "exit 0"), client.awaitClose(WAIT));
            String output = client.outputText();
            assertEquals(Shell.countedLines(lines).length(), output.length(), "byte count");
            assertEquals(Shell.countedLines(lines), output);
        }
    }
}
