package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.client.TtyClient;
import io.cloudterm.testkit.CommandLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A local user without any access to CloudTerm lists processes: nothing of a terminal's environment
 * (the server's own variables, which may hold credentials, and the user's name) may show in any
 * command line under the server, for the terminal's whole life.
 */
@Tag("security")
class EnvironmentAttackTest {

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void psShowsNoTerminalsEnvironment(String mode) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "reads command lines in /proc");
        String path = System.getenv("PATH");
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--",
                "sh", "-c", "printenv CLOUDTERM_USER TERM PATH; exec cat");
             TtyClient client = server.open(80, 24)) {
            // The child still gets what the server gives it.
            client.awaitOutput(path, Duration.ofSeconds(20));
            assertTrue(client.outputText().contains("xterm-256color"), client.outputText());
            List<String> commandLines = CommandLines.ofDescendants();
            assertTrue(commandLines.stream().anyMatch(line -> line.contains("cat")), commandLines.toString());
            for (String line : commandLines) {
                assertFalse(line.contains("CLOUDTERM_USER=") || line.contains("TERM=") || line.contains("PATH=" + path),
                        "the terminal's environment in a command line anyone can read: " + line);
            }
        }
    }

}
