package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Several clients on one terminal: share links for other users, read-only or with control, the
 * smallest client sets the size, and a slow one cannot hold the others back.
 */
class SharingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void shareLinksLetAnotherUserWatchOrTypeUntilRevoked() throws Exception {
        java.nio.file.Path users = dir.resolve("users");
        java.nio.file.Files.writeString(users, "alice:" + org.mindrot.jbcrypt.BCrypt.hashpw("a", org.mindrot.jbcrypt.BCrypt.gensalt(4))
                + "\nbob:" + org.mindrot.jbcrypt.BCrypt.hashpw("b", org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n");
        try (TestServer server = TestServer.start("--users", users.toString(), "--keep-alive", "30", "--", "sh")) {
            String alice = server.login("alice", "a");
            String bob = server.login("bob", "b");
            TtyClient owner = TtyClient.connect(server.ws(), Map.of("Cookie", alice))
                    .handshake(server.terminalToken(Map.of("Cookie", alice)), 100, 30);
            String handle = Shell.terminalInfo(owner)[0];
            String view = shareToken(server, handle, alice, "view");
            String control = shareToken(server, handle, alice, "control");
            assertEquals(404, status(server.post("api/terminals/" + handle + "/shares", "access=view", Map.of("Cookie", bob))),
                    "only the owner makes share links");

            TtyClient watcher = join(server, handle, bob, view, 60, 10);
            watcher.input("echo typed-by-watcher\r");
            owner.input("echo fr''om-owner\r");
            watcher.awaitOutput("from-owner\r\n", WAIT);
            owner.input("stty size\r");
            owner.awaitOutput("30 100\r\n", WAIT);
            assertTrue(!watcher.outputText().contains("typed-by-watcher"), "a read-only viewer cannot type");

            TtyClient helper = join(server, handle, bob, control, 100, 30);
            helper.input("echo fr''om-helper\r");
            owner.awaitOutput("from-helper\r\n", WAIT);

            TtyClient stranger = join(server, handle, bob, "not-a-share", 80, 24);
            assertEquals(4005, stranger.awaitClose(WAIT).code());

            String viewId = shareIds(server, handle, alice).get(0);
            try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                for (String id : shareIds(server, handle, alice)) {
                    var revoked = http.send(java.net.http.HttpRequest.newBuilder(server.url("api/terminals/" + handle + "/shares/" + id))
                            .header("Cookie", alice).DELETE().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertEquals(204, revoked.statusCode());
                }
            }
            assertEquals(4005, watcher.awaitClose(WAIT).code(), "revoking lets the viewer go");
            assertEquals(4005, helper.awaitClose(WAIT).code());
            assertEquals(4005, join(server, handle, bob, view, 80, 24).awaitClose(WAIT).code(), "and the link is dead");
            assertTrue(viewId.length() == 22);
            owner.close();
        }
    }

    private static TtyClient join(TestServer server, String handle, String cookie, String share, int columns, int rows) {
        return TtyClient.connect(URI.create(server.ws() + "?t=" + handle), Map.of("Cookie", cookie))
                .send("{\"AuthToken\":\"" + server.terminalToken(Map.of("Cookie", cookie)) + "\",\"columns\":" + columns
                        + ",\"rows\":" + rows + ",\"share\":\"" + share + "\"}");
    }

    private static String shareToken(TestServer server, String handle, String cookie, String access) {
        var response = server.post("api/terminals/" + handle + "/shares", "access=" + access, Map.of("Cookie", cookie));
        assertEquals(201, response.statusCode(), response.body());
        var json = jakarta.json.Json.createReader(new java.io.StringReader(response.body())).readObject();
        assertTrue(json.getString("link").endsWith("#share=" + json.getString("token")), "the token rides in the fragment");
        return json.getString("token");
    }

    private static java.util.List<String> shareIds(TestServer server, String handle, String cookie) {
        var response = server.get("api/terminals/" + handle + "/shares", Map.of("Cookie", cookie));
        return jakarta.json.Json.createReader(new java.io.StringReader(response.body())).readObject().getJsonArray("shares")
                .getValuesAs(jakarta.json.JsonObject.class).stream().map(o -> o.getString("id")).toList();
    }

    private static int status(java.net.http.HttpResponse<String> response) {
        return response.statusCode();
    }


    private static TtyClient attach(TestServer server, String handle, int columns, int rows) {
        return TtyClient.connect(URI.create(server.ws() + "?t=" + handle), Map.of()).handshake("", columns, rows);
    }

    @Test
    void theSmallestWritableClientSetsTheSizeAndItGrowsBackWhenItLeaves() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--keep-alive", "30", "--", "sh")) {
            TtyClient big = server.open(120, 40);
            String handle = Shell.terminalInfo(big)[0];
            TtyClient small = attach(server, handle, 80, 50);
            Shell.terminalInfo(small);
            big.input("stty size\r");
            big.awaitOutput("40 80\r\n", WAIT);
            small.close();
            // The server has seen the small client leave once only the big one is attached.
            await().atMost(WAIT).until(() -> server.onlyTerminal().attachedClients() == 1);
            big.input("stty size\r");
            big.awaitOutput("40 120\r\n", WAIT);
            big.close();
        }
    }

    @Test
    void aClientThatStopsReadingIsLetGoWithoutStallingTheOthers() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--keep-alive", "30", "--", "sh")) {
            TtyClient reader = TtyClient.connect(server.ws(), Map.of()).handshake("", 80, 24);
            String handle = Shell.terminalInfo(reader)[0];
            reader.keepOnlyRecentOutput(64 * 1024);
            // This one asks for nothing after its first message: the server's queue for it fills.
            TtyClient stuck = TtyClient.builder(URI.create(server.ws() + "?t=" + handle)).readOnRequest().connect()
                    .handshake("", 80, 24);
            stuck.request(1);
            stuck.pause();
            reader.input("seq 1 1500000; echo all-done\r"); // about 11 MB through the terminal
            reader.awaitOutput("1500000\r\nall-done\r\n", WAIT);
            assertTrue(reader.outputBytesSeen() > 10_000_000, "the reading client got everything: " + reader.outputBytesSeen());
            stuck.request(Long.MAX_VALUE);
            TtyClient.Close close = stuck.awaitClose(WAIT);
            assertEquals(4007, close.code(), close.toString());
            assertTrue(close.reason().contains("reconnect to catch up"), close.reason());
            reader.close();
        }
    }
}
