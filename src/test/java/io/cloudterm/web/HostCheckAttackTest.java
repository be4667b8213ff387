package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DNS rebinding: a web page whose name the attacker points at 127.0.0.1 sends requests with its
 * own name as Host and Origin. The server must answer only to its own names, in every auth mode,
 * and for WebSockets on both transports (taken over by the native poller with --native on, kept on
 * Helidon's connection with --native off).
 */
@Tag("security")
class HostCheckAttackTest {

    private static String get(String path, String hostLines) {
        return "GET " + path + " HTTP/1.1\r\n" + hostLines + "Connection: close\r\n\r\n";
    }

    @ParameterizedTest(name = "--native {0}")
    @ValueSource(strings = {"on", "off"})
    void aRebindingPageCannotOpenAShellWithoutAuth(String nativeMode) {
        try (TestServer server = TestServer.start("--native", nativeMode, "--no-auth", "--", "sh")) {
            String evil = "evil.example:" + server.server().port();
            RawHttp.Response refused = RawHttp.exchange(server, RawHttp.upgrade(evil, "http://" + evil));
            assertEquals(421, refused.status(), refused.head());
            assertTrue(refused.body().contains("--allow-host"), refused.body());

            // The same upgrade for the server's own name is accepted: the refusal above is the Host's doing.
            String own = "127.0.0.1:" + server.server().port();
            RawHttp.Response accepted = RawHttp.exchange(server, RawHttp.upgrade(own, "http://" + own));
            assertEquals(101, accepted.status(), accepted.head());
        }
    }

    @Test
    void everyRequestForAnotherHostIsMisdirectedInTokenMode() {
        try (TestServer server = TestServer.start("--", "sh")) {
            int port = server.server().port();
            for (String path : new String[] {"/", "/index.html", "/token", "/login", "/ws"}) {
                RawHttp.Response response = RawHttp.exchange(server, get(path, "Host: evil.example:" + port + "\r\n"));
                assertEquals(421, response.status(), path + ": " + response.head());
            }
            String login = "POST /login HTTP/1.1\r\nHost: evil.example:" + port + "\r\nOrigin: http://evil.example:" + port
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\nConnection: close\r\n\r\ntoken=x";
            assertEquals(421, RawHttp.exchange(server, login).status());
            assertEquals(200, RawHttp.exchange(server, get("/", "Host: 127.0.0.1:" + port + "\r\n")).status());
            assertEquals(200, RawHttp.exchange(server, get("/", "Host: LOCALHOST:" + port + "\r\n")).status());
            assertEquals(200, RawHttp.exchange(server, get("/", "Host: 127.0.0.1\r\n")).status(),
                    "a hand-written client may leave the port out; the name is what rebinding changes");
        }
    }

    @Test
    void anUpgradeForAnotherHostIsRefusedWithAccounts() throws Exception {
        java.nio.file.Path users = java.nio.file.Files.createTempFile("users", "");
        try {
            java.nio.file.Files.writeString(users, "alice:" + org.mindrot.jbcrypt.BCrypt.hashpw("wonderland",
                    org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n");
            try (TestServer server = TestServer.start("--users", users.toString(), "--", "sh")) {
                String evil = "evil.example:" + server.server().port();
                assertEquals(421, RawHttp.exchange(server, get("/login", "Host: " + evil + "\r\n")).status());
                assertEquals(421, RawHttp.exchange(server, RawHttp.upgrade(evil, "http://" + evil)).status());
            }
        } finally {
            java.nio.file.Files.delete(users);
        }
    }

    @Test
    void theRightNameAtAnotherPortIsMisdirected() {
        try (TestServer server = TestServer.start("--no-auth", "--", "sh")) {
            assertEquals(421, RawHttp.exchange(server, get("/", "Host: 127.0.0.1:1\r\n")).status());
        }
    }

    @Test
    void aForwardedHostIsNotTrusted() {
        try (TestServer server = TestServer.start("--no-auth", "--", "sh")) {
            int port = server.server().port();
            RawHttp.Response response = RawHttp.exchange(server, get("/", "Host: evil.example:" + port
                    + "\r\nX-Forwarded-Host: 127.0.0.1:" + port + "\r\n"));
            assertEquals(421, response.status());
        }
    }

    @Test
    void aMissingOrDoubledHostIsABadRequest() {
        try (TestServer server = TestServer.start("--no-auth", "--", "sh")) {
            int port = server.server().port();
            assertEquals(400, RawHttp.exchange(server, get("/", "")).status(), "HTTP/1.1 requires Host");
            assertEquals(400, RawHttp.exchange(server, get("/", "Host: 127.0.0.1:" + port + "\r\nHost: evil.example\r\n")).status());
            assertEquals(400, RawHttp.exchange(server, get("/", "Host: evil.example/x\r\n")).status());
        }
    }

    @Test
    void namesTheOperatorAllowsAreAnswered() {
        try (TestServer server = TestServer.start("--no-auth", "--allow-host", "term.example", "--allow-host", "other.example:8443",
                "--", "sh")) {
            int port = server.server().port();
            assertEquals(200, RawHttp.exchange(server, get("/", "Host: term.example:" + port + "\r\n")).status());
            assertEquals(200, RawHttp.exchange(server, get("/", "Host: term.example\r\n")).status(), "a proxy's default port");
            assertEquals(200, RawHttp.exchange(server, get("/", "Host: other.example:8443\r\n")).status());
            assertEquals(421, RawHttp.exchange(server, get("/", "Host: other.example:" + port + "\r\n")).status());
            String evil = "evil.example:" + port;
            assertEquals(421, RawHttp.exchange(server, RawHttp.upgrade(evil, "http://" + evil)).status());
        }
        try (TestServer server = TestServer.start("--no-auth", "--allow-host", "*", "--", "sh")) {
            assertEquals(200, RawHttp.exchange(server, get("/", "Host: anything.example\r\n")).status(), "* turns the check off");
        }
    }

    @Test
    void theBrowserClientStillWorks() {
        try (TestServer server = TestServer.start("--", "sh")) {
            String cookie = server.login();
            assertEquals(200, server.get("token", Map.of("Cookie", cookie)).statusCode());
        }
    }
}
