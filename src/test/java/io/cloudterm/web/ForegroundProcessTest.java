package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudterm.client.TtyClient;
import io.cloudterm.terminal.ForegroundProcess;
import io.cloudterm.terminal.Terminal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What runs in a real terminal's foreground, and where, as the terminals page and uploads see it. */
class ForegroundProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void theShellAtItsPromptThenTheProgramItRunsInTheDirectoryItRunsIn(String mode, @TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--native", mode, "--", "sh");
             TtyClient client = server.open(80, 24)) {
            Shell.terminalInfo(client);
            Terminal terminal = server.server().terminals().getFirst();
            await().atMost(WAIT).until(() -> terminal.foreground().map(ForegroundProcess::program), Optional.of("sh")::equals);

            Path real = dir.toRealPath();
            client.input("cd '" + real + "' && sleep 30\r");
            await().atMost(WAIT).until(() -> terminal.foreground().map(ForegroundProcess::program), Optional.of("sleep")::equals);
            assertEquals(Optional.of(real), terminal.foreground().flatMap(ForegroundProcess::directory));

            client.input("\u0003"); // Ctrl-C: back at the prompt, in the directory the shell moved to
            await().atMost(WAIT).until(() -> terminal.foreground().map(ForegroundProcess::program), Optional.of("sh")::equals);
            assertEquals(Optional.of(real), terminal.foreground().flatMap(ForegroundProcess::directory));
        }
    }

    @org.junit.jupiter.api.Test
    void aProcessThatHasEndedHasNoForeground() {
        assertEquals(Optional.empty(), ForegroundProcess.of(Long.MAX_VALUE / 2));
    }
}
