package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Opening and closing terminals over and over leaves no fd, process or zombie behind. */
class LeakTest {

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void fiveHundredOpenCloseCyclesLeakNothing(String mode) throws Exception {
        int cycles = mode.equals("on") ? 500 : 100; // script(1) costs a second process per terminal
        // A closed terminal ends a few milliseconds later, so on a busy machine several may still be
        // ending when the next opens: the limits are not what this test is about.
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--kill-after", "1",
                "--max-terminals", "600", "--max-terminals-per-user", "600", "--", "cat")) {
            warmUp(server);
            int fdsBefore = Processes.openFds();
            for (int i = 0; i < cycles; i++) {
                try (TtyClient client = server.open(80, 24)) {
                    client.input("x" + i + "\r");
                    client.awaitOutput("x" + i + "\r\n", Duration.ofSeconds(20));
                }
            }
            server.awaitNoTerminals();
            int fdsAfter = Processes.openFds();
            assertTrue(fdsAfter <= fdsBefore + 10, "fds grew from " + fdsBefore + " to " + fdsAfter + " over " + cycles + " cycles");
            assertEquals(java.util.List.of(), Processes.lastingZombies(Duration.ofSeconds(5)), "zombies");
            assertEquals(0, ProcessHandle.current().children().filter(p -> p.info().command().orElse("").endsWith("cat")).count(),
                    "cat children left");
        }
    }

    private static void warmUp(TestServer server) throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            try (TtyClient client = server.open(80, 24)) {
                client.input("warm\r");
                client.awaitOutput("warm\r\n", Duration.ofSeconds(20));
            }
        }
        server.awaitNoTerminals();
    }
}
