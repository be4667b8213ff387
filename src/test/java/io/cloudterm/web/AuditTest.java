package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/** One audit line per login, failure, logout and terminal start and end; never a secret. */
class AuditTest {

    @TempDir
    Path dir;

    @Test
    void theAuditTrailTellsWhoDidWhatFromWhereAndNothingSecret() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger audit = Logger.getLogger("io.cloudterm.audit");
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("wonderland", BCrypt.gensalt(4)) + "\n");
        try (TestServer server = TestServer.start("--users", users.toString(), "--", "sh", "-c", "exit 4")) {
            // After the start: Helidon's first start in a JVM re-reads the logging configuration,
            // which drops handlers added before.
            audit.addHandler(capture);
            server.post("login", "user=alice&password=not-it&next=", Map.of());
            server.post("login", "user=eve%0Aforged+line&password=x&next=", Map.of());
            String setCookie = server.post("login", "user=alice&password=wonderland&next=", Map.of())
                    .headers().firstValue("Set-Cookie").orElseThrow();
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            String token = server.terminalToken(Map.of("Cookie", cookie));
            TtyClient.connect(server.ws(), Map.of("Cookie", cookie)).handshake(token, 80, 24).awaitClose(Duration.ofSeconds(20));
            server.post("logout", "", Map.of("Cookie", cookie));
            await().atMost(Duration.ofSeconds(20)).until(() -> lines.stream().anyMatch(l -> l.contains("ended")));
            String all = String.join("\n", lines);
            assertTrue(all.contains("login failed user=\"alice\" from=127.0.0.1 reason=\"wrong user name or password\""), all);
            assertTrue(all.contains("login failed user=\"eve\\u000aforged line\""), "control characters escaped: " + all);
            assertTrue(all.contains("login ok user=\"alice\" from=127.0.0.1 via=password"), all);
            assertTrue(all.matches("(?s).*terminal \\d+ started pid=\\d+ user=\"alice\" from=127.0.0.1 size=80x24.*"), all);
            assertTrue(all.matches("(?s).*terminal \\d+ ended user=\"alice\" from=127.0.0.1 status=\"exit 4\".*"), all);
            assertTrue(all.contains("logout user=\"alice\" from=127.0.0.1"), all);
            assertEquals(6, lines.size(), all);
            assertFalse(all.contains("wonderland") || all.contains("not-it") || all.contains(token)
                    || all.contains(cookie.substring(cookie.indexOf('=') + 1)), "a secret in the audit log: " + all);
        } finally {
            audit.removeHandler(capture);
        }
    }
}
