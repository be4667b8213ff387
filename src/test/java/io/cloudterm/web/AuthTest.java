package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Secure by default: the access token, Basic credentials, the terminal token and the Origin check. */
class AuthTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void theAccessTokenLogsInWithAnHttpOnlyStrictCookie() {
        try (TestServer server = TestServer.start("--", "sh")) {
            HttpResponse<String> wrong = server.post("login", "token=nope", Map.of());
            assertEquals(401, wrong.statusCode());
            HttpResponse<String> right = server.post("login", "token=" + server.server().accessToken().orElseThrow(), Map.of());
            assertEquals(204, right.statusCode());
            String setCookie = right.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(setCookie.startsWith("cloudterm_session="), setCookie);
            assertTrue(setCookie.contains("HttpOnly"), setCookie);
            assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
            assertTrue(setCookie.contains("Path=/"), setCookie);
            assertEquals("no-store", right.headers().firstValue("Cache-Control").orElse(""));
        }
    }

    @Test
    void aLoggedInBrowserGetsATerminal() {
        try (TestServer server = TestServer.start("--", "sh")) {
            String cookie = server.login();
            String token = server.terminalToken(Map.of("Cookie", cookie));
            assertEquals(43, token.length(), "256 random bits");
            try (TtyClient client = TtyClient.connect(server.ws(), Map.of("Cookie", cookie)).handshake(token, 80, 24)) {
                client.input("echo in''side\r");
                client.awaitOutput("inside\r\n", WAIT);
            }
        }
    }

    @Test
    void withoutASessionTheTokenEndpointAndTheWebSocketAreRefused() {
        try (TestServer server = TestServer.start("--", "sh")) {
            assertEquals(401, server.get("token", Map.of()).statusCode());
            assertEquals(401, server.get("token", Map.of("Cookie", "cloudterm_session=forged")).statusCode());
            assertEquals(401, server.upgradeStatus(Map.of()));
            assertEquals(401, server.get("ws", Map.of()).statusCode());
        }
    }

    @Test
    void aWrongAuthTokenClosesTheTerminalSocket() {
        try (TestServer server = TestServer.start("--", "sh")) {
            String cookie = server.login();
            TtyClient client = TtyClient.connect(server.ws(), Map.of("Cookie", cookie)).handshake("guess", 80, 24);
            TtyClient.Close close = client.awaitClose(WAIT);
            assertEquals(4003, close.code(), close.toString());
        }
    }

    @Test
    void aForeignOriginCannotOpenATerminalOrLogIn() {
        try (TestServer server = TestServer.start("--", "sh")) {
            String cookie = server.login();
            assertEquals(403, server.upgradeStatus(Map.of("Cookie", cookie, "Origin", "https://evil.example")));
            assertEquals(403, server.get("ws", Map.of("Cookie", cookie, "Origin", "https://evil.example")).statusCode());
            HttpResponse<String> login = server.post("login", "token=" + server.server().accessToken().orElseThrow(),
                    Map.of("Origin", "https://evil.example"));
            assertEquals(403, login.statusCode());
            String own = "http://127.0.0.1:" + server.server().port();
            String token = server.terminalToken(Map.of("Cookie", cookie));
            try (TtyClient client = TtyClient.connect(server.ws(), Map.of("Cookie", cookie, "Origin", own)).handshake(token, 80, 24)) {
                client.input("echo o''k\r");
                client.awaitOutput("ok\r\n", WAIT);
            }
        }
    }

    @Test
    void aNullOriginPassesOnlyWhenTheBrowserSaysSameOrigin() {
        // Chromium sends Origin: null for our own login form (Referrer-Policy: no-referrer), with
        // Sec-Fetch-Site: same-origin; a sandboxed frame elsewhere sends null with cross-site.
        try (TestServer server = TestServer.start("--", "sh")) {
            String token = "token=" + server.server().accessToken().orElseThrow();
            assertEquals(204, server.post("login", token, Map.of("Origin", "null", "Sec-Fetch-Site", "same-origin")).statusCode());
            assertEquals(403, server.post("login", token, Map.of("Origin", "null", "Sec-Fetch-Site", "cross-site")).statusCode());
            assertEquals(403, server.post("login", token, Map.of("Origin", "null")).statusCode());
        }
    }

    @Test
    void allowOriginAdmitsANamedOrigin() {
        try (TestServer server = TestServer.start("--no-auth", "--allow-origin", "https://tools.example", "--", "sh")) {
            assertEquals(403, server.upgradeStatus(Map.of("Origin", "https://evil.example")));
            try (TtyClient client = TtyClient.connect(server.ws(), Map.of("Origin", "https://tools.example")).handshake("", 80, 24)) {
                client.input("echo a''llowed\r");
                client.awaitOutput("allowed\r\n", WAIT);
            }
        }
    }

    @Test
    void logoutEndsTheSession() {
        try (TestServer server = TestServer.start("--", "sh")) {
            String cookie = server.login();
            assertEquals(200, server.get("token", Map.of("Cookie", cookie)).statusCode());
            assertEquals(204, server.post("logout", "", Map.of("Cookie", cookie)).statusCode());
            assertEquals(401, server.get("token", Map.of("Cookie", cookie)).statusCode());
        }
    }

    @Test
    void basicCredentialsGuardEverythingAndTheTokenIsNotThePassword() {
        try (TestServer server = TestServer.start("-c", "alice:s3cret:with:colons", "--", "sh")) {
            HttpResponse<String> page = server.get("", Map.of());
            assertEquals(401, page.statusCode());
            assertTrue(page.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
            String good = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret:with:colons".getBytes(StandardCharsets.UTF_8));
            String bad = "Basic " + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8));
            assertEquals(401, server.get("", Map.of("Authorization", bad)).statusCode());
            assertEquals(200, server.get("", Map.of("Authorization", good)).statusCode());
            String token = server.terminalToken(Map.of("Authorization", good));
            assertFalse(token.contains("s3cret"));
            assertNotEquals(good.substring(6), token, "ttyd's token is base64(user:password); ours must not be");
            assertEquals(401, server.upgradeStatus(Map.of("Authorization", bad)));
            try (TtyClient client = TtyClient.connect(server.ws(), Map.of("Authorization", good)).handshake(token, 80, 24)) {
                client.input("echo b''asic\r");
                client.awaitOutput("basic\r\n", WAIT);
            }
        }
    }

    @Test
    void noAuthIsRefusedOnANonLoopbackInterface() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestServer.start("--no-auth", "-i", "0.0.0.0", "--", "sh"));
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    }

    @Test
    void secretsNeverReachTheLog() {
        StringBuilder log = new StringBuilder();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                log.append(record.getMessage()).append('\n');
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        try (TestServer server = TestServer.start("--", "sh", "-c", "exit 0")) {
            // After the start: Helidon's first start in a JVM re-reads the logging configuration,
            // which drops handlers added before.
            root.addHandler(capture);
            String access = server.server().accessToken().orElseThrow();
            String cookie = server.login();
            String token = server.terminalToken(Map.of("Cookie", cookie));
            TtyClient.connect(server.ws(), Map.of("Cookie", cookie)).handshake(token, 80, 24).awaitClose(WAIT);
            String text = log.toString();
            assertTrue(text.contains("terminal"), "the log was captured: " + text);
            assertFalse(text.contains(access), "access token in the log");
            assertFalse(text.contains(cookie.substring(cookie.indexOf('=') + 1)), "session id in the log");
            assertFalse(text.contains(token), "terminal token in the log");
        } finally {
            root.removeHandler(capture);
        }
    }

    @Test
    void everyPageCarriesTheSecurityHeaders() {
        try (TestServer server = TestServer.start("--no-auth", "--", "sh")) {
            HttpResponse<String> page = server.get("", Map.of());
            assertEquals(200, page.statusCode());
            String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
            // WebAssembly (the image addon's sixel decoder) may be compiled; JavaScript may not be eval'd.
            assertTrue(csp.contains("script-src 'self' 'wasm-unsafe-eval';") && !csp.contains("'unsafe-eval'")
                    && csp.contains("frame-ancestors 'none'"), csp);
            assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
            assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(""));
            assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(""));
        }
    }

    @Test
    void embeddingIsAllowedOnlyWhereTheOperatorSays() {
        try (TestServer server = TestServer.start("--no-auth", "--frame-ancestors", "'self' https://portal.example", "--", "sh")) {
            HttpResponse<String> page = server.get("", Map.of());
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("")
                    .contains("frame-ancestors 'self' https://portal.example"), page.headers().toString());
            assertTrue(page.headers().firstValue("X-Frame-Options").isEmpty(), "DENY would contradict the CSP");
        }
    }

    @Test
    void everythingLivesUnderTheBasePath() {
        try (TestServer server = TestServer.start("--no-auth", "-b", "/term/", "--", "sh")) {
            assertTrue(server.server().url().toString().endsWith("/term/"), server.server().url().toString());
            assertEquals(200, server.get("", Map.of()).statusCode());
            assertEquals(200, server.get("app.js", Map.of()).statusCode());
            assertEquals(200, server.get("token", Map.of()).statusCode());
            HttpResponse<String> bare = server.get("/term", Map.of());
            assertEquals(301, bare.statusCode());
            assertEquals("/term/", bare.headers().firstValue("Location").orElse(""));
            assertEquals(404, server.get("/ws", Map.of()).statusCode());
            try (TtyClient client = server.open(80, 24)) {
                client.input("echo ba''se\r");
                client.awaitOutput("base\r\n", WAIT);
            }
        }
    }
}
