package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --record writes each terminal as asciicast v2: what clients saw, the sizes, input only when asked. */
class RecordingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Path onlyRecording() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> casts = files.filter(f -> f.toString().endsWith(".cast")).toList();
            assertEquals(1, casts.size(), "recordings: " + casts);
            return casts.get(0);
        }
    }

    private static List<JsonArray> events(Path cast) throws Exception {
        List<String> lines = Files.readAllLines(cast);
        List<JsonArray> events = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            try (JsonReader reader = Json.createReader(new StringReader(line))) {
                events.add(reader.readArray());
            }
        }
        return events;
    }

    private static String text(List<JsonArray> events, String type) {
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.getString(1).equals(type)).forEach(e -> text.append(e.getString(2)));
        return text.toString();
    }

    @Test
    void theRecordingHoldsExactlyWhatTheClientSawAndTheSizes() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--record", dir.toString(), "--",
                "sh", "-c", "printf 'h\\303\\251llo w\\303\\266rld \\360\\237\\230\\200\\n'; read x; stty size; exit 0");
             TtyClient client = server.open(90, 20)) {
            client.awaitOutput("\uD83D\uDE00", WAIT);
            client.resize(100, 30);
            client.input("go\r");
            assertEquals(new TtyClient.Close(1000, "exit 0"), client.awaitClose(WAIT));
            Path cast = onlyRecording();
            JsonObject header;
            try (JsonReader reader = Json.createReader(new StringReader(Files.readAllLines(cast).get(0)))) {
                header = reader.readObject();
            }
            assertEquals(2, header.getInt("version"));
            assertEquals(90, header.getInt("width"));
            assertEquals(20, header.getInt("height"));
            List<JsonArray> events = events(cast);
            assertEquals(client.outputText(), text(events, "o"), "the output events replay to what the client got");
            assertTrue(events.stream().anyMatch(e -> e.getString(1).equals("r") && e.getString(2).equals("100x30")), events.toString());
            assertTrue(Files.readString(cast).endsWith("\n"));
        }
    }

    @Test
    void typedInputIsRecordedOnlyWhenAskedFor() throws Exception {
        // Typed only once the prompt is silent: before `stty -echo` runs, the tty itself would echo it.
        String command = "stty -echo; echo ready; read secret; echo got-it; exit 0";
        try (TestServer server = TestServer.start("--no-auth", "--record", dir.toString(), "--", "sh", "-c", command);
             TtyClient client = server.open(80, 24)) {
            client.awaitOutput("ready", WAIT);
            client.input("hunter2\r");
            client.awaitClose(WAIT);
            Path cast = onlyRecording();
            assertFalse(Files.readString(cast).contains("hunter2"), "a password typed at a silent prompt was recorded");
            assertTrue(text(events(cast), "o").contains("got-it"));
            Files.delete(cast);
        }
        try (TestServer server = TestServer.start("--no-auth", "--record", dir.toString(), "--record-input", "--",
                "sh", "-c", command);
             TtyClient client = server.open(80, 24)) {
            client.awaitOutput("ready", WAIT);
            client.input("hunter2\r");
            client.awaitClose(WAIT);
            assertEquals("hunter2\r", text(events(onlyRecording()), "i"));
        }
    }

    @Test
    void stoppingTheServerLeavesCompleteRecordings() throws Exception {
        TestServer server = TestServer.start("--no-auth", "--record", dir.toString(), "--", "cat");
        TtyClient client = server.open(80, 24);
        client.input("still running\r");
        client.awaitOutput("still running\r\nstill running\r\n", WAIT);
        server.close();
        Path cast = onlyRecording();
        assertTrue(Files.readString(cast).endsWith("\n"));
        assertTrue(text(events(cast), "o").contains("still running\r\nstill running\r\n"));
    }

    @Test
    void onlyItsOwnerCanListAndDownloadARecording() throws Exception {
        Path users = Files.createTempFile("users", ".htpasswd");
        Files.writeString(users, "alice:" + org.mindrot.jbcrypt.BCrypt.hashpw("a", org.mindrot.jbcrypt.BCrypt.gensalt(4))
                + "\nbob:" + org.mindrot.jbcrypt.BCrypt.hashpw("b", org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n");
        try (TestServer server = TestServer.start("--users", users.toString(), "--record", dir.toString(), "--",
                "sh", "-c", "echo recorded-words; exit 0")) {
            String alice = server.login("alice", "a");
            String bob = server.login("bob", "b");
            TtyClient client = TtyClient.connect(server.ws(), java.util.Map.of("Cookie", alice))
                    .handshake(server.terminalToken(java.util.Map.of("Cookie", alice)), 80, 24);
            String handle = Shell.terminalInfo(client)[0];
            client.awaitClose(WAIT);
            var list = server.get("api/recordings", java.util.Map.of("Cookie", alice));
            assertTrue(list.body().contains("\"terminal\":\"" + handle + "\""), list.body());
            assertEquals("{\"recordings\":[]}", server.get("api/recordings", java.util.Map.of("Cookie", bob)).body());
            var download = server.get("api/recordings/" + handle, java.util.Map.of("Cookie", alice));
            assertEquals(200, download.statusCode());
            assertTrue(download.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment;"));
            assertEquals(Files.readString(onlyRecording()), download.body());
            assertEquals(404, server.get("api/recordings/" + handle, java.util.Map.of("Cookie", bob)).statusCode());
            assertEquals(401, server.get("api/recordings/" + handle, java.util.Map.of()).statusCode());
        } finally {
            Files.deleteIfExists(users);
        }
    }


    @Test
    void aRecordingDirectoryThatCannotBeWrittenIsAUsageError() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> io.cloudterm.cli.CloudTerm.configFrom("--record", dir.resolve("nope").toString()));
        assertTrue(e.getMessage().contains("is not a writable directory"), e.getMessage());
        assertTrue(err.size() == 0);
    }

    @Test
    void aRecordingOfAnEarlierRunIsOfferedToItsUserOnly() throws Exception {
        Path users = Files.createTempFile("users", ".htpasswd");
        Files.writeString(users, "alice:" + org.mindrot.jbcrypt.BCrypt.hashpw("a", org.mindrot.jbcrypt.BCrypt.gensalt(4))
                + "\nbob:" + org.mindrot.jbcrypt.BCrypt.hashpw("b", org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n");
        try {
            String handle;
            try (TestServer earlier = TestServer.start("--users", users.toString(), "--record", dir.toString(), "--",
                    "sh", "-c", "echo earlier-words; exit 0")) {
                String alice = earlier.login("alice", "a");
                TtyClient client = TtyClient.connect(earlier.ws(), java.util.Map.of("Cookie", alice))
                        .handshake(earlier.terminalToken(java.util.Map.of("Cookie", alice)), 80, 24);
                handle = Shell.terminalInfo(client)[0];
                client.awaitClose(WAIT);
            }
            Path cast = onlyRecording();
            try (TestServer later = TestServer.start("--users", users.toString(), "--record", dir.toString(), "--", "cat")) {
                String alice = later.login("alice", "a");
                String bob = later.login("bob", "b");
                var list = later.get("api/recordings", java.util.Map.of("Cookie", alice));
                assertTrue(list.body().contains("\"terminal\":\"" + handle + "\""), list.body());
                assertTrue(list.body().contains("\"file\":\"" + cast.getFileName() + "\""), list.body());
                assertEquals("{\"recordings\":[]}", later.get("api/recordings", java.util.Map.of("Cookie", bob)).body());
                var download = later.get("api/recordings/" + handle, java.util.Map.of("Cookie", alice));
                assertEquals(200, download.statusCode());
                assertEquals(Files.readString(cast), download.body());
                assertTrue(download.body().contains("earlier-words"), download.body());
                assertEquals(404, later.get("api/recordings/" + handle, java.util.Map.of("Cookie", bob)).statusCode());
            }
        } finally {
            Files.deleteIfExists(users);
        }
    }
}
