package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/**
 * Refusals for people and for programs: a browser navigating to a page it may not have, or to
 * nothing, gets a page in the login form's style that says what to do; the page's own fetches,
 * scripts and other clients keep the short plain-text answers.
 */
class ErrorPagesTest {

    private static final Map<String, String> BROWSER = Map.of("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");

    @TempDir
    Path dir;

    @Test
    void withTheAccessTokenA401PageSaysWhereTheLoginIsAndProgramsGetPlainText() {
        try (TestServer server = TestServer.start("--base-path", "/term", "--", "sh")) {
            HttpResponse<String> page = server.get("api/terminals", BROWSER);
            assertEquals(401, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().toString());
            assertTrue(page.body().contains("You are not logged in") && page.body().contains("#token="), page.body());
            assertTrue(page.body().matches("(?s).*href=\"/term/login\\.css\\?v=[A-Za-z0-9_-]{22}\".*"), "styled like the login form");
            assertFalse(page.body().contains("<script") || page.body().contains("style="), "nothing inline for the CSP to refuse");
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));

            HttpResponse<String> plain = server.get("api/terminals", Map.of());
            assertEquals(401, plain.statusCode());
            assertEquals("authentication required", plain.body());
            assertEquals("authentication required", server.get("token", Map.of("Accept", "application/json")).body());
        }
    }

    @Test
    void aPathThatNamesNothingGetsA404PageOrPlainText() {
        try (TestServer server = TestServer.start("--base-path", "/term", "--no-auth", "--", "sh")) {
            HttpResponse<String> page = server.get("no-such-page", BROWSER);
            assertEquals(404, page.statusCode());
            assertTrue(page.body().contains("There is nothing here") && page.body().contains("href=\"/term/\""), page.body());
            HttpResponse<String> plain = server.get("no-such-page", Map.of());
            assertEquals(404, plain.statusCode());
            assertEquals("not found", plain.body());
            assertEquals(200, server.get("", BROWSER).statusCode(), "the page itself is still served");
        }
    }

    @Test
    void withAccountsThe401PageLeadsToTheFormAndAnEndedTerminalSaysToOpenANewOne() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("a", BCrypt.gensalt(4)) + "\n");
        try (TestServer server = TestServer.start("--users", users.toString(), "--", "sh")) {
            HttpResponse<String> page = server.get("api/terminals", BROWSER);
            assertEquals(401, page.statusCode());
            assertTrue(page.body().contains("href=\"/login\"") && page.body().contains("Log in"), page.body());

            String alice = server.login("alice", "a");
            HttpResponse<String> ended = server.get("api/terminals/AAAAAAAAAAAAAAAAAAAAAA/shares",
                    Map.of("Cookie", alice, "Accept", "text/html"));
            assertEquals(404, ended.statusCode());
            assertTrue(ended.body().contains("This terminal does not exist or has ended") && ended.body().contains("Open a new"),
                    ended.body());
            assertEquals("no such terminal: it has ended, or it is not yours",
                    server.get("api/terminals/AAAAAAAAAAAAAAAAAAAAAA/shares", Map.of("Cookie", alice)).body());
        }
    }
}
