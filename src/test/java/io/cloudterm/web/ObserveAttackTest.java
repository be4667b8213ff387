package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics and health endpoints tell an outsider how busy the server is, who is being refused
 * and where it records: without --observe-public they need the same login as a terminal, and the
 * Host check and security headers cover them like every other route.
 */
@Tag("security")
class ObserveAttackTest {

    private static final List<String> ENDPOINTS = List.of("observe/metrics", "observe/health");

    @Test
    void withTheAccessTokenOnlyALoggedInBrowserReadsThem() {
        try (TestServer server = TestServer.start("--", "sh")) {
            for (String endpoint : ENDPOINTS) {
                assertEquals(401, server.get(endpoint, Map.of()).statusCode(), endpoint);
                assertEquals(401, server.get(endpoint, Map.of("Cookie", "cloudterm_session=forged")).statusCode(), endpoint);
            }
            String cookie = server.login();
            for (String endpoint : ENDPOINTS) {
                assertEquals(200, server.get(endpoint, Map.of("Cookie", cookie)).statusCode(), endpoint);
            }
        }
    }

    /** A page elsewhere must not read them with the visitor's cookie (CORS would have to let it). */
    @Test
    void aForeignPageCannotReadThemWithTheVisitorsCookie() {
        try (TestServer server = TestServer.start("--", "sh")) {
            String cookie = server.login();
            for (String endpoint : ENDPOINTS) {
                HttpResponse<String> response = server.get(endpoint, Map.of("Cookie", cookie, "Origin", "https://evil.example"));
                assertFalse(response.headers().firstValue("Access-Control-Allow-Credentials").isPresent(), endpoint);
                assertNotEquals("https://evil.example", response.headers().firstValue("Access-Control-Allow-Origin").orElse(""),
                        endpoint);
            }
        }
    }

    @Test
    void withBasicCredentialsTheyAskForThem() {
        try (TestServer server = TestServer.start("-c", "alice:s3cret", "--", "sh")) {
            String good = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
            String bad = "Basic " + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8));
            for (String endpoint : ENDPOINTS) {
                HttpResponse<String> refused = server.get(endpoint, Map.of());
                assertEquals(401, refused.statusCode(), endpoint);
                assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), endpoint);
                assertEquals(401, server.get(endpoint, Map.of("Authorization", bad)).statusCode(), endpoint);
                assertEquals(200, server.get(endpoint, Map.of("Authorization", good)).statusCode(), endpoint);
            }
        }
    }

    @Test
    void withAccountsOnlyAUserWithASessionReadsThem(@TempDir Path temp) throws Exception {
        Path users = temp.resolve("users");
        Files.writeString(users, "alice:" + org.mindrot.jbcrypt.BCrypt.hashpw("wonderland", org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n");
        try (TestServer server = TestServer.start("--users", users.toString(), "--", "sh")) {
            for (String endpoint : ENDPOINTS) {
                assertEquals(401, server.get(endpoint, Map.of()).statusCode(), endpoint);
            }
            String cookie = server.login("alice", "wonderland");
            for (String endpoint : ENDPOINTS) {
                assertEquals(200, server.get(endpoint, Map.of("Cookie", cookie)).statusCode(), endpoint);
            }
        }
    }

    @Test
    void observePublicOpensThemWithoutALoginButNothingElse() {
        try (TestServer server = TestServer.start("--observe-public", "--", "sh")) {
            assertEquals(200, server.get("observe/metrics", Map.of()).statusCode());
            HttpResponse<String> health = server.get("observe/health", Map.of());
            assertEquals(204, health.statusCode(), "UP, without the details (paths, errors) a login shows: " + health.body());
            assertEquals(401, server.get("token", Map.of()).statusCode(), "the terminal still needs a login");
        }
    }

    @Test
    void underABasePathTheyStillNeedALogin() {
        try (TestServer server = TestServer.start("--base-path", "/term", "--", "sh")) {
            for (String endpoint : ENDPOINTS) {
                assertEquals(401, server.get(endpoint, Map.of()).statusCode(), endpoint);
            }
            assertEquals(200, server.get("observe/health", Map.of("Cookie", server.login())).statusCode());
        }
    }

    /** Spellings of the same path must not slip past the filter into the feature's routes. */
    @Test
    void otherSpellingsOfThePathAreNotServedWithoutALogin() {
        try (TestServer server = TestServer.start("--", "sh")) {
            for (String path : List.of("/observe/metrics/", "/./observe/metrics", "/observe//metrics", "//observe/metrics",
                    "/observe/./health", "/x/../observe/health", "/%6Fbserve/metrics", "/observe%2Fmetrics",
                    "/observe/health/pty-spawn", "/observe/metrics?format=json", "/observe")) {
                RawHttp.Response response = RawHttp.exchange(server, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:"
                        + server.server().port() + "\r\nConnection: close\r\n\r\n");
                assertNotEquals(200, response.status(), path + ": " + response.head());
                assertFalse(response.body().contains("cloudterm_") || response.body().contains("\"status\""),
                        path + ": " + response.body());
            }
        }
    }

    @Test
    void theHostCheckAndSecurityHeadersCoverThem() {
        try (TestServer server = TestServer.start("--no-auth", "--", "sh")) {
            int port = server.server().port();
            for (String endpoint : ENDPOINTS) {
                RawHttp.Response rebound = RawHttp.exchange(server, "GET /" + endpoint + " HTTP/1.1\r\nHost: evil.example:"
                        + port + "\r\nConnection: close\r\n\r\n");
                assertEquals(421, rebound.status(), endpoint + ": " + rebound.head());
                HttpResponse<String> own = server.get(endpoint, Map.of());
                assertEquals(200, own.statusCode(), endpoint);
                assertEquals("nosniff", own.headers().firstValue("X-Content-Type-Options").orElse(""), endpoint);
                assertTrue(own.headers().firstValue("Content-Security-Policy").isPresent(), endpoint);
            }
        }
    }
}
