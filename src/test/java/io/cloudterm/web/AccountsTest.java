package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.cli.CloudTerm;
import io.cloudterm.client.TtyClient;
import io.cloudterm.config.ServerConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/** User accounts end to end: the login form, sessions, logout, Basic for scripts, the child's CLOUDTERM_USER. */
class AccountsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** alice (a $2y$ hash, as htpasswd -B writes) and bob (a $2a$ one), at a low cost to keep tests quick. */
    private Path users() throws Exception {
        String alice = BCrypt.hashpw("wonderland", BCrypt.gensalt(4)).replaceFirst("^\\$2a\\$", "\\$2y\\$");
        String bob = BCrypt.hashpw("builder", BCrypt.gensalt(4));
        Path file = dir.resolve("users");
        Files.writeString(file, "# accounts\nalice:" + alice + "\nbob:" + bob + "\n");
        return file;
    }

    private TestServer start(String... more) throws Exception {
        String[] args = new String[more.length + 2];
        args[0] = "--users";
        args[1] = users().toString();
        System.arraycopy(more, 0, args, 2, more.length);
        return TestServer.start(args);
    }

    private static String form(String user, String password) {
        return "user=" + user + "&password=" + password + "&next=";
    }

    @Test
    void thePageSendsABrowserWithoutASessionToTheLoginForm() throws Exception {
        try (TestServer server = start("--", "sh")) {
            HttpResponse<String> page = server.get("", Map.of());
            assertEquals(303, page.statusCode());
            assertEquals("/login?next=%2F", page.headers().firstValue("Location").orElse(""));
            HttpResponse<String> form = server.get("login?next=/", Map.of());
            assertEquals(200, form.statusCode());
            assertTrue(form.body().contains("<form method=\"post\" action=\"login\""), form.body());
            assertFalse(form.body().contains("<script"), "the form works without JavaScript");
            assertEquals("no-store", form.headers().firstValue("Cache-Control").orElse(""));
        }
    }

    @Test
    void aSharedFileSendsABrowserWithoutASessionToTheLoginFormAndBack() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.writeString(shared.resolve("build.log"), "ok");
        try (TestServer server = start("--files", shared.toString(), "--", "sh")) {
            HttpResponse<String> file = server.get("files/build.log", Map.of());
            assertEquals(303, file.statusCode());
            assertEquals("/login?next=%2Ffiles%2Fbuild.log", file.headers().firstValue("Location").orElse(""));
            String next = Base64.getUrlEncoder().withoutPadding().encodeToString("/files/build.log".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> login = server.post("login", "user=alice&password=wonderland&next=" + next, Map.of());
            assertEquals("/files/build.log", login.headers().firstValue("Location").orElse(""));
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            HttpResponse<String> loggedIn = server.get("files/build.log", Map.of("Cookie", setCookie.substring(0, setCookie.indexOf(';'))));
            assertEquals(200, loggedIn.statusCode());
            assertEquals("ok", loggedIn.body());
            String basic = "Basic " + Base64.getEncoder().encodeToString("alice:wonderland".getBytes(StandardCharsets.UTF_8));
            assertEquals("ok", server.get("files/build.log", Map.of("Authorization", basic)).body(), "a script (curl -u) needs no form");
        }
    }

    @Test
    void aRightPasswordLogsInAndLandsWhereTheUserWasGoing() throws Exception {
        try (TestServer server = start("-b", "/term", "--", "sh")) {
            String next = Base64.getUrlEncoder().withoutPadding().encodeToString("/term/?x=1".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> login = server.post("login", "user=alice&password=wonderland&next=" + next, Map.of());
            assertEquals(303, login.statusCode(), login.body());
            assertEquals("/term/?x=1", login.headers().firstValue("Location").orElse(""));
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/term/"),
                    setCookie);
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            assertEquals(200, server.get("", Map.of("Cookie", cookie)).statusCode());
        }
    }

    @Test
    void theReturnPathCannotLeadToAnotherSite() throws Exception {
        try (TestServer server = start("--", "sh")) {
            for (String evil : new String[] {"//evil.example/", "https://evil.example/", "/\\evil.example"}) {
                String next = Base64.getUrlEncoder().withoutPadding().encodeToString(evil.getBytes(StandardCharsets.UTF_8));
                HttpResponse<String> login = server.post("login", "user=bob&password=builder&next=" + next, Map.of());
                assertEquals("/", login.headers().firstValue("Location").orElse(""), evil);
            }
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() throws Exception {
        try (TestServer server = start("--", "sh")) {
            HttpResponse<String> wrong = server.post("login", form("alice", "nope"), Map.of());
            HttpResponse<String> unknown = server.post("login", form("mallory", "nope"), Map.of());
            assertEquals(401, wrong.statusCode());
            assertEquals(401, unknown.statusCode());
            // The form gives back the name that was tried, and nothing else tells the two apart.
            assertEquals(wrong.body().replace("value=\"alice\"", "value=\"NAME\""),
                    unknown.body().replace("value=\"mallory\"", "value=\"NAME\""));
            assertTrue(wrong.body().contains("Wrong user name or password."), wrong.body());
            assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());
        }
    }

    @Test
    void everyLoginGetsANewSessionIdEvenWithAnOldOneInHand() throws Exception {
        try (TestServer server = start("--", "sh")) {
            String first = cookieOf(server.post("login", form("alice", "wonderland"), Map.of()));
            String second = cookieOf(server.post("login", form("alice", "wonderland"), Map.of("Cookie", first)));
            assertNotEquals(first, second, "a session id planted before login must not survive it");
            String planted = "cloudterm_session=planted-by-attacker";
            String third = cookieOf(server.post("login", form("alice", "wonderland"), Map.of("Cookie", planted)));
            assertNotEquals(planted, third);
            assertEquals(401, server.get("token", Map.of("Cookie", planted)).statusCode());
        }
    }

    @Test
    void theChildKnowsItsUserAndLogoutClosesTheTerminal() throws Exception {
        try (TestServer server = start("--", "sh")) {
            String cookie = cookieOf(server.post("login", form("alice", "wonderland"), Map.of()));
            String token = server.terminalToken(Map.of("Cookie", cookie));
            TtyClient client = TtyClient.connect(server.ws(), Map.of("Cookie", cookie)).handshake(token, 80, 24);
            client.input("echo user=$CLOUDTERM_USER.\r");
            client.awaitOutput("user=alice.", WAIT);
            HttpResponse<String> logout = server.post("logout", "", Map.of("Cookie", cookie));
            assertEquals(303, logout.statusCode());
            assertEquals("/login?logged-out", logout.headers().firstValue("Location").orElse(""));
            TtyClient.Close close = client.awaitClose(WAIT);
            assertEquals(4004, close.code(), close.toString());
            assertEquals(401, server.get("token", Map.of("Cookie", cookie)).statusCode(), "the session is over");
            assertEquals(401, server.upgradeStatus(Map.of("Cookie", cookie)));
        }
    }

    @Test
    void anExpiredSessionIsRefusedAndItsTerminalClosed() throws Exception {
        ServerConfig config = CloudTerm.configFrom("--port", "0", "--users", users().toString(), "--", "sh")
                .toBuilder().sessions(new ServerConfig.SessionLimits(Duration.ofSeconds(2), Duration.ofHours(1)))
                // The sweep (every 10 s by default) is what closes the terminal: looking often, it is not waited out.
                .timers(new ServerConfig.Timers(ServerConfig.Timers.DEFAULT.greeting(), Duration.ofMillis(200))).build();
        try (TestServer server = TestServer.start(config)) {
            String cookie = cookieOf(server.post("login", form("bob", "builder"), Map.of()));
            String token = server.terminalToken(Map.of("Cookie", cookie));
            TtyClient client = TtyClient.connect(server.ws(), Map.of("Cookie", cookie)).handshake(token, 80, 24);
            TtyClient.Close close = client.awaitClose(Duration.ofSeconds(30));
            assertEquals(4004, close.code(), close.toString());
            assertEquals(401, server.get("token", Map.of("Cookie", cookie)).statusCode());
        }
    }

    @Test
    void scriptsUseBasicCredentials() throws Exception {
        try (TestServer server = start("--", "sh")) {
            String basic = "Basic " + Base64.getEncoder().encodeToString("bob:builder".getBytes(StandardCharsets.UTF_8));
            String wrong = "Basic " + Base64.getEncoder().encodeToString("bob:guess".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> refused = server.get("token", Map.of("Authorization", wrong));
            assertEquals(401, refused.statusCode());
            assertTrue(refused.headers().firstValue("WWW-Authenticate").isEmpty(), "no browser Basic prompt with accounts");
            String token = server.terminalToken(Map.of("Authorization", basic));
            try (TtyClient client = TtyClient.connect(server.ws(), Map.of("Authorization", basic)).handshake(token, 80, 24)) {
                client.input("echo $CLOUDTERM_USER-ok\r");
                client.awaitOutput("bob-ok", WAIT);
            }
        }
    }

    @Test
    void oversizedInputsAreRefusedNotStored() throws Exception {
        try (TestServer server = start("--", "sh")) {
            assertEquals(400, server.post("login", form("a".repeat(65), "x"), Map.of()).statusCode());
            assertEquals(400, server.post("login", form("alice", "x".repeat(300)), Map.of()).statusCode());
            // Helidon answers 413/431 and closes at once; a client still writing may see only the close.
            refusedOrCut(() -> server.post("login", "user=alice&password=" + "x".repeat(70_000), Map.of()), 413);
            refusedOrCut(() -> server.get("", Map.of("X-Filler", "y".repeat(20_000))), 431, 400);
            assertEquals(303, server.get("", Map.of()).statusCode(), "the server is fine afterwards");
        }
    }

    private static void refusedOrCut(java.util.function.Supplier<HttpResponse<String>> request, int... statuses) {
        try {
            int status = request.get().statusCode();
            assertTrue(java.util.Arrays.stream(statuses).anyMatch(s -> s == status), "status " + status);
        } catch (AssertionError e) {
            if (!(e.getCause() instanceof java.io.IOException)) {
                throw e;
            }
        }
    }

    private static String cookieOf(HttpResponse<String> login) {
        assertEquals(303, login.statusCode(), login.body());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }
}
