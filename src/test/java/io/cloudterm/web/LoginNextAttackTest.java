package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/**
 * The path to return to after login ({@code next}) comes from the client: one that is no valid
 * URI (a {@code |}, a {@code "}, a bad escape) must send the user to the base page, with the
 * session cookie they logged in for, never a 500 after a session was made and audited.
 */
@Tag("security")
class LoginNextAttackTest {

    private static final String[] UNPARSABLE = {"/|", "/^", "/{x}", "/\"", "/<script>", "/%zz", "/a%2", "/é", "/x y"};

    @TempDir
    Path dir;

    private TestServer start(String... more) throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("wonderland", BCrypt.gensalt(4)) + "\n");
        List<String> args = new ArrayList<>(List.of("--users", users.toString()));
        args.addAll(List.of(more));
        args.addAll(List.of("--", "sh"));
        return TestServer.start(args.toArray(String[]::new));
    }

    private static String encoded(String next) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(next.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anUnparsableReturnPathLandsOnTheBasePageLoggedIn() throws Exception {
        List<String> audit = new ArrayList<>();
        Logger auditLog = Logger.getLogger("io.cloudterm.audit");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                audit.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        auditLog.addHandler(capture);
        try (TestServer server = start("--login-burst", "100")) {
            for (String next : UNPARSABLE) {
                audit.clear();
                HttpResponse<String> login = server.post("login", "user=alice&password=wonderland&next=" + encoded(next), Map.of());
                assertEquals(303, login.statusCode(), next + ": " + login.body());
                assertEquals("/", login.headers().firstValue("Location").orElse(""), next);
                String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow(() -> new AssertionError(next + ": no cookie"));
                String cookie = setCookie.substring(0, setCookie.indexOf(';'));
                assertEquals(200, server.get("token", Map.of("Cookie", cookie)).statusCode(), next);
                assertEquals(1, audit.stream().filter(line -> line.startsWith("login ok user=")).count(), next + ": " + audit);
            }
        } finally {
            auditLog.removeHandler(capture);
        }
    }

    @Test
    void underABasePathItIsTheBasePage() throws Exception {
        try (TestServer server = start("-b", "/term")) {
            HttpResponse<String> login = server.post("login", "user=alice&password=wonderland&next=" + encoded("/term/|"), Map.of());
            assertEquals(303, login.statusCode(), login.body());
            assertEquals("/term/", login.headers().firstValue("Location").orElse(""));
        }
    }

    @Test
    void aWrongPasswordWithAnUnparsableReturnPathGetsTheForm() throws Exception {
        try (TestServer server = start()) {
            HttpResponse<String> login = server.post("login", "user=alice&password=nope&next=" + encoded("/%zz"), Map.of());
            assertEquals(401, login.statusCode());
            assertTrue(login.body().contains("Wrong user name or password."), login.body());
            HttpResponse<String> form = server.get("login?next=%2F%7C", Map.of());
            assertEquals(200, form.statusCode(), "the form itself with an unparsable next");
        }
    }
}
