package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import io.cloudterm.protocol.CloseCodes;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whoever logs in learns nothing of the server's file system from a command that cannot start: not
 * its PATH, not its working directory. A terminal's program can vanish after the server started
 * (uninstalled, a directory removed); the client is told that the command cannot start, and the
 * server's log keeps why.
 */
@Tag("security")
class SpawnFailureAttackTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PROGRAM = "no-such-program-cloudterm";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void theCloseReasonOfAFailedSpawnHoldsNoServerPath(String mode) throws Exception {
        Path cwd = Files.createDirectory(dir.resolve("work-dir-of-the-server"));
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--cwd", cwd.toString(), "--", PROGRAM)) {
            Files.delete(cwd); // gone after the start: the spawn fails on both the directory and the program
            try (TtyClient client = TtyClient.connect(server.ws(), Map.of()).handshake("", 80, 24)) {
                TtyClient.Close close = client.awaitClose(WAIT);
                assertEquals(CloseCodes.SPAWN_FAILED, close.code(), close.toString());
                assertTrue(close.reason().startsWith("cannot start the command"), close.toString());
                assertNoServerDetail(close.reason(), cwd);
            }
            HttpResponse<String> api = server.post("api/terminals", "columns=80&rows=24", Map.of());
            assertEquals(500, api.statusCode(), api.body());
            assertTrue(api.body().startsWith("cannot start the command"), api.body());
            assertNoServerDetail(api.body(), cwd);
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void aProgramMissingFromPathIsNotAnsweredWithThePath(String mode) throws Exception {
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--", PROGRAM);
             TtyClient client = TtyClient.connect(server.ws(), Map.of()).handshake("", 80, 24)) {
            TtyClient.Close close = client.awaitClose(WAIT);
            assertEquals(CloseCodes.SPAWN_FAILED, close.code(), close.toString());
            assertNoServerDetail(close.reason(), dir);
        }
    }

    private static void assertNoServerDetail(String answer, Path cwd) {
        String path = System.getenv().getOrDefault("PATH", "/bin:/usr/bin");
        assertFalse(answer.contains(path), () -> "the server's PATH: " + answer);
        List<String> entries = Arrays.stream(path.split(File.pathSeparator)).filter(e -> !e.isEmpty()).toList();
        for (String entry : entries) {
            assertFalse(answer.contains(entry), () -> "a directory of the server's PATH (" + entry + "): " + answer);
        }
        assertFalse(answer.contains(cwd.toString()), () -> "the server's working directory: " + answer);
        assertFalse(answer.contains("PATH"), () -> answer);
    }
}
