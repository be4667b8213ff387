package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import io.cloudterm.protocol.CloseCodes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/**
 * A share link as a capability of its own: a view link lets someone with no account or token watch
 * that one terminal and do nothing else; a view link for signed-in users only, and a control link,
 * need a login first. Each rule is checked against what reaches the program or what the server
 * answers, with and without the link.
 */
class ViewLinkTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Map<String, String> NOBODY = Map.of();

    @TempDir
    Path dir;

    @Test
    void aViewLinkAloneLetsAVisitorWatchAndNothingTheyTypeReachesTheProgram() throws Exception {
        try (TestServer server = TestServer.start("--users", users().toString(), "--keep-alive", "30", "--", "sh")) {
            String alice = server.login("alice", "a");
            TtyClient owner = newTerminal(server, alice);
            String handle = Shell.terminalInfo(owner)[0];
            String view = share(server, handle, alice, "access=view&signedInOnly=false").getString("token");

            TtyClient visitor = visit(server, handle, view);
            JsonObject info = info(visitor);
            assertEquals("viewer", info.getString("role"));
            assertEquals("alice", info.getString("sharedBy"), "the page says whose terminal it watches");
            assertEquals("owner", info(owner).getString("role"));
            assertFalse(info(owner).containsKey("sharedBy"));

            Path file = dir.resolve("typed");
            owner.input("cat > " + file + "\r");
            owner.awaitOutput("typed\r\n", WAIT); // the echo of the line: cat is reading now
            owner.input("from-owner\r");
            visitor.awaitOutput("from-owner\r\n", WAIT);
            visitor.input("from-visitor\r");
            visitor.resize(20, 5);
            owner.input("again\r");
            visitor.awaitOutput("again\r\n", WAIT); // the visitor's keys, sent before, had their chance
            owner.input("\u0004");
            await().atMost(WAIT).until(() -> Files.exists(file) && Files.readString(file).equals("from-owner\nagain\n"));
            owner.input("stty size\r");
            owner.awaitOutput("24 80\r\n", WAIT);
            assertFalse(visitor.outputText().contains("from-visitor"), "a visitor's keys reach nothing");
            visitor.close();
            owner.close();
        }
    }

    @Test
    void aVisitorGetsNothingButTheTerminalItsLinkNames() throws Exception {
        try (TestServer server = TestServer.start("--users", users().toString(), "--keep-alive", "30", "--", "sh")) {
            String alice = server.login("alice", "a");
            TtyClient owner = newTerminal(server, alice);
            String handle = Shell.terminalInfo(owner)[0];
            TtyClient other = newTerminal(server, alice);
            String otherHandle = Shell.terminalInfo(other)[0];
            String view = share(server, handle, alice, "access=view&signedInOnly=false").getString("token");
            TtyClient visitor = visit(server, handle, view);
            info(visitor);

            // HTTP: the link travels in no request, so every route answers as to anyone else.
            assertEquals(401, server.get("token", NOBODY).statusCode(), "no terminal token");
            assertEquals(401, server.get("api/terminals", NOBODY).statusCode(), "not the terminals page's data");
            assertEquals(401, server.get("api/terminals/" + handle + "/shares", NOBODY).statusCode());
            assertEquals(401, server.post("api/terminals", "", NOBODY).statusCode(), "no new terminal");
            assertEquals(401, server.post("api/terminals/" + handle + "/shares", "access=control", NOBODY).statusCode());
            assertEquals(401, server.delete("api/terminals/" + handle, NOBODY).statusCode(), "cannot end it");
            assertEquals(303, server.get("", NOBODY).statusCode(), "the terminal page asks for a login");
            assertEquals(401, server.upgradeStatus(NOBODY), "no new shell");

            // WebSocket: only that terminal, only through the link, only to watch.
            assertEquals(CloseCodes.NO_SUCH_TERMINAL, visit(server, handle, "").awaitClose(WAIT).code(), "not as its owner");
            assertEquals(CloseCodes.NO_SUCH_TERMINAL, visit(server, otherHandle, view).awaitClose(WAIT).code(),
                    "not another terminal");
            assertEquals(CloseCodes.NO_SUCH_TERMINAL, visit(server, handle, view + "x").awaitClose(WAIT).code());
            assertEquals(2, server.server().terminals().size(), "still only alice's two terminals");
            visitor.close();
            other.close();
            owner.close();
        }
    }

    @Test
    void aViewLinkForSignedInUsersOnlyAsksAVisitorToLogInAndThenOnlyWatches() throws Exception {
        try (TestServer server = TestServer.start("--users", users().toString(), "--keep-alive", "30", "--", "sh")) {
            String alice = server.login("alice", "a");
            String bob = server.login("bob", "b");
            TtyClient owner = newTerminal(server, alice);
            String handle = Shell.terminalInfo(owner)[0];
            JsonObject link = share(server, handle, alice, "access=view");
            assertTrue(link.getBoolean("signedInOnly"), "through the API, a view link is for signed-in users unless asked otherwise");

            TtyClient.Close refused = visit(server, handle, link.getString("token")).awaitClose(WAIT);
            assertEquals(CloseCodes.LOGIN_REQUIRED, refused.code(), refused.toString());
            assertTrue(refused.reason().contains("log in"), refused.reason());

            TtyClient watcher = server.joinShared(handle, bob, link.getString("token"));
            JsonObject info = info(watcher);
            assertEquals("viewer", info.getString("role"));
            assertEquals("alice", info.getString("sharedBy"));
            watcher.input("echo typed-by-bob\r");
            owner.input("echo fr''om-owner\r");
            watcher.awaitOutput("from-owner\r\n", WAIT);
            assertFalse(owner.outputText().contains("typed-by-bob"), "signed in, bob still only watches");
            watcher.close();
            owner.close();
        }
    }

    @Test
    void aControlLinkAlwaysNeedsALogin() throws Exception {
        try (TestServer server = TestServer.start("--users", users().toString(), "--keep-alive", "30", "--", "sh")) {
            String alice = server.login("alice", "a");
            String bob = server.login("bob", "b");
            TtyClient owner = newTerminal(server, alice);
            String handle = Shell.terminalInfo(owner)[0];
            JsonObject link = share(server, handle, alice, "access=control&signedInOnly=false");
            assertTrue(link.getBoolean("signedInOnly"), "control is for signed-in users, whatever was asked");

            assertEquals(CloseCodes.LOGIN_REQUIRED, visit(server, handle, link.getString("token")).awaitClose(WAIT).code());

            TtyClient helper = server.joinShared(handle, bob, link.getString("token"));
            assertEquals("controller", info(helper).getString("role"));
            helper.input("echo fr''om-helper\r");
            owner.awaitOutput("from-helper\r\n", WAIT);
            helper.close();
            owner.close();
        }
    }

    @Test
    void withTheAccessTokenAVisitorWatchesAndTheOwnerHasAReadableName() throws Exception {
        try (TestServer server = TestServer.start("--keep-alive", "30", "--", "sh")) {
            String cookie = server.login();
            TtyClient owner = newTerminal(server, cookie);
            String handle = Shell.terminalInfo(owner)[0];
            String view = share(server, handle, cookie, "access=view&signedInOnly=false").getString("token");

            TtyClient visitor = visit(server, handle, view);
            JsonObject info = info(visitor);
            assertEquals("viewer", info.getString("role"));
            assertEquals("the owner", info.getString("sharedBy"));
            visitor.input("echo typed-by-visitor\r");
            owner.input("echo fr''om-owner\r");
            visitor.awaitOutput("from-owner\r\n", WAIT);
            assertFalse(owner.outputText().contains("typed-by-visitor"));
            assertEquals(401, server.get("token", NOBODY).statusCode());
            visitor.close();
            owner.close();
        }
    }

    @Test
    void revokingAViewLinkLetsItsVisitorsGo() throws Exception {
        try (TestServer server = TestServer.start("--users", users().toString(), "--keep-alive", "30", "--", "sh")) {
            String alice = server.login("alice", "a");
            TtyClient owner = newTerminal(server, alice);
            String handle = Shell.terminalInfo(owner)[0];
            JsonObject link = share(server, handle, alice, "access=view&signedInOnly=false");
            TtyClient visitor = visit(server, handle, link.getString("token"));
            info(visitor);
            assertEquals(204, server.delete("api/terminals/" + handle + "/shares/" + link.getString("id"),
                    Map.of("Cookie", alice)).statusCode());
            assertEquals(CloseCodes.NO_SUCH_TERMINAL, visitor.awaitClose(WAIT).code());
            assertEquals(CloseCodes.NO_SUCH_TERMINAL, visit(server, handle, link.getString("token")).awaitClose(WAIT).code());
            owner.close();
        }
    }

    /** Someone with no cookie and no token, holding {@code share}, opens terminal {@code handle}. */
    private static TtyClient visit(TestServer server, String handle, String share) {
        return TtyClient.connect(URI.create(server.ws() + "?t=" + handle), NOBODY)
                .send("{\"AuthToken\":\"\",\"columns\":80,\"rows\":24,\"share\":\"" + share + "\"}");
    }

    private static JsonObject info(TtyClient client) throws Exception {
        return Json.createReader(new StringReader(client.terminalInfo().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)))
                .readObject();
    }

    private static JsonObject share(TestServer server, String handle, String cookie, String form) {
        HttpResponse<String> response = server.post("api/terminals/" + handle + "/shares", form, Map.of("Cookie", cookie));
        assertEquals(201, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static TtyClient newTerminal(TestServer server, String cookie) {
        return TtyClient.connect(server.ws(), Map.of("Cookie", cookie)).handshake(server.terminalToken(Map.of("Cookie", cookie)), 80, 24);
    }

    private Path users() throws java.io.IOException {
        Path users = dir.resolve("users");
        if (!Files.exists(users)) {
            Files.writeString(users, "alice:" + BCrypt.hashpw("a", BCrypt.gensalt(4)) + "\nbob:" + BCrypt.hashpw("b", BCrypt.gensalt(4)) + "\n");
        }
        return users;
    }
}
