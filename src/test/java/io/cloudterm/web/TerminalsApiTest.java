package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/** The terminals API: each user sees and ends only their own terminals. */
class TerminalsApiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static JsonArray list(TestServer server, String cookie) {
        HttpResponse<String> response = server.get("api/terminals", Map.of("Cookie", cookie));
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject().getJsonArray("terminals");
    }

    private static int delete(TestServer server, String handle, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url("api/terminals/" + handle)).DELETE();
        headers.forEach(request::header);
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    @Test
    void usersListAndEndOnlyTheirOwnTerminals() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("a", BCrypt.gensalt(4)) + "\nbob:" + BCrypt.hashpw("b", BCrypt.gensalt(4)) + "\n");
        try (TestServer server = TestServer.start("--users", users.toString(), "--keep-alive", "30", "--", "sh")) {
            String alice = server.login("alice", "a");
            String bob = server.login("bob", "b");
            TtyClient client = TtyClient.connect(server.ws(), Map.of("Cookie", alice))
                    .handshake(server.terminalToken(Map.of("Cookie", alice)), 100, 30);
            String handle = Shell.terminalInfo(client)[0];
            long pid = Shell.pid(client);
            client.abort();
            // The server notices the dropped connection.
            JsonArray mine = await().atMost(WAIT).until(() -> list(server, alice),
                    m -> m.size() != 1 || m.getJsonObject(0).getInt("clients") == 0);
            assertEquals(1, mine.size(), mine.toString());
            JsonObject entry = mine.getJsonObject(0);
            assertEquals(handle, entry.getString("terminal"));
            assertEquals(100, entry.getInt("columns"));
            assertEquals(30, entry.getInt("rows"));
            assertEquals(0, entry.getInt("clients"));
            assertTrue(entry.containsKey("detachedSince"), entry.toString());
            assertEquals(0, list(server, bob).size(), "bob sees none of alice's");

            assertEquals(404, delete(server, handle, Map.of("Cookie", bob)), "bob cannot end alice's");
            assertEquals(403, delete(server, handle, Map.of("Cookie", alice, "Origin", "https://evil.example")));
            assertEquals(401, server.get("api/terminals", Map.of()).statusCode());
            assertTrue(Processes.alive(pid));
            assertEquals(204, delete(server, handle, Map.of("Cookie", alice)));
            assertTrue(Processes.awaitGone(pid, WAIT), "ending it hangs it up and reaps it");
            // Reaped; the terminal leaves the list as it finishes ending.
            await().atMost(WAIT).untilAsserted(() -> assertEquals(0, list(server, alice).size()));
        }
    }

    @Test
    void eachTerminalSaysWhatRunsWhereAndItsOwnerGlancesAtItsLastLines() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("a", BCrypt.gensalt(4)) + "\nbob:" + BCrypt.hashpw("b", BCrypt.gensalt(4)) + "\n");
        Path work = Files.createDirectory(dir.resolve("work")).toRealPath();
        try (TestServer server = TestServer.start("--users", users.toString(), "--keep-alive", "30", "--", "sh")) {
            String alice = server.login("alice", "a");
            String bob = server.login("bob", "b");
            try (TtyClient client = TtyClient.connect(server.ws(), Map.of("Cookie", alice))
                    .handshake(server.terminalToken(Map.of("Cookie", alice)), 80, 24)) {
                String handle = Shell.terminalInfo(client)[0];
                // The escape sequences and the arithmetic are the shell's: neither is in what was typed.
                client.input("cd '" + work + "' && printf '\\033[1;31m%s\\033[0m alert\\n' red-$((6*7)) && sleep 30\r");
                JsonObject entry = await().atMost(WAIT).until(() -> list(server, alice).getJsonObject(0),
                        e -> "sleep".equals(e.getString("program", "")));
                assertEquals(work.toString(), entry.getString("directory"), entry.toString());
                assertEquals(System.getenv("HOME"), entry.getString("home"), "the shell's own ~: " + entry);

                HttpResponse<String> glance = await().atMost(WAIT).until(
                        () -> server.get("api/terminals/" + handle + "/glance", Map.of("Cookie", alice)),
                        r -> r.body().contains("red-42"));
                assertEquals(200, glance.statusCode());
                assertTrue(glance.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), glance.headers().toString());
                assertTrue(glance.body().lines().anyMatch("red-42 alert"::equals), "the last lines, escape sequences stripped: " + glance.body());
                assertFalse(glance.body().contains("\u001b"), glance.body());
                assertTrue(glance.body().lines().count() <= 4, "a glance is a few lines: " + glance.body());

                assertEquals(404, server.get("api/terminals/" + handle + "/glance", Map.of("Cookie", bob)).statusCode(),
                        "bob cannot read alice's terminal");
                assertEquals(401, server.get("api/terminals/" + handle + "/glance", Map.of()).statusCode());
            }
        }
    }

    @Test
    void aScriptCreatesATerminalThatWaitsForItsFirstClient() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--keep-alive", "2", "--", "sh", "-c", "echo waited-for-you; exec sh")) {
            HttpResponse<String> created = server.post("api/terminals", "columns=90&rows=20", Map.of());
            assertEquals(201, created.statusCode(), created.body());
            String handle = Json.createReader(new StringReader(created.body())).readObject().getString("terminal");
            TtyClient client = TtyClient.connect(URI.create(server.ws() + "?t=" + handle), Map.of()).handshake("", 90, 20);
            client.awaitOutput("waited-for-you", WAIT);
            client.input("stty size\r");
            client.awaitOutput("20 90\r\n", WAIT);
            client.close();

            String unattended = Json.createReader(new StringReader(server.post("api/terminals", "", Map.of()).body()))
                    .readObject().getString("terminal");
            assertTrue(server.get("api/terminals", Map.of()).body().contains(unattended));
            // Nobody came within the keep-alive: hung up.
            await().atMost(WAIT).untilAsserted(() -> assertFalse(server.get("api/terminals", Map.of()).body().contains(unattended),
                    "the unattended terminal outlived its keep-alive"));
            assertEquals(400, server.post("api/terminals", "columns=wide", Map.of()).statusCode());
        }
    }

    @Test
    void theTerminalsPageIsServedWithoutInlineScript() {
        try (TestServer server = TestServer.start("--no-auth", "--", "sh")) {
            HttpResponse<String> page = server.get("terminals.html", Map.of());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().matches("(?s).*<script src=\"terminals\\.js\\?v=[A-Za-z0-9_-]+\" defer></script>.*"), page.body());
            assertTrue(!page.body().contains("onclick"), "no inline handlers");
            assertEquals(200, server.get("terminals.js", Map.of()).statusCode());
        }
    }

}
