package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.client.TtyClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recording onto a file system that fills up: the terminal goes on as if nothing happened, and
 * the recording stays a valid asciicast up to its last whole event, with a marker saying why it
 * stops. A real full file system: a 64 KiB tmpfs (mounting one needs root).
 */
class FullDiskRecordingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void aFullDiskStopsTheRecordingNotTheTerminal(String mode) throws Exception {
        Path small = Files.createDirectory(dir.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString()) == 0,
                "mounting a tmpfs needs root; AsciicastRecorderTest covers the recorder with a fake full disk");
        try {
            try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--record", small.toString(), "--",
                    "sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x; echo; echo written; exec cat");
                 TtyClient client = server.open(80, 24)) {
                client.awaitOutput("written", WAIT);
                client.input("still here\r");
                client.awaitOutput("still here\r\nstill here\r\n", WAIT);
            }
            Path cast;
            try (Stream<Path> files = Files.list(small)) {
                cast = files.filter(file -> file.toString().endsWith(".cast")).findFirst().orElseThrow();
            }
            String content = Files.readString(cast);
            assertTrue(content.endsWith("\n"), "the recording ends inside a line");
            List<String> lines = content.lines().toList();
            assertEquals(2, parse(lines.getFirst()).asJsonObject().getInt("version"));
            for (String line : lines.subList(1, lines.size())) {
                assertEquals(3, parse(line).asJsonArray().size(), line);
            }
            JsonArray last = parse(lines.getLast()).asJsonArray();
            assertEquals("m", last.getString(1), lines.getLast());
            assertEquals("recording stopped: No space left on device", last.getString(2));
        } finally {
            assertEquals(0, run("umount", small.toString()));
        }
    }

    private static JsonValue parse(String line) {
        try (JsonReader reader = Json.createReader(new StringReader(line))) {
            return reader.readValue();
        }
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), String.join(" ", command));
        return process.exitValue();
    }
}
