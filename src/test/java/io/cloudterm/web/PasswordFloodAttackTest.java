package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.auth.PasswordHashes;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With accounts, a flood of wrong passwords from one address, over many connections at once, must
 * not keep the password checks so busy that the owner's right password, from another address, is
 * answered "busy". 127.0.0.2 floods (a fresh user name each time, so that only its address bucket,
 * set high here, could stop it); 127.0.0.1 is the owner. The hash costs ~250 ms, so the flood keeps
 * the checks saturated for as long as it runs.
 */
@Tag("security")
class PasswordFloodAttackTest {

    private static final int FLOODERS = 40;
    private static final int MOST_ATTEMPTS_EACH = 200;

    @TempDir
    Path dir;

    private static HttpResponse<String> login(HttpClient client, TestServer server, String form) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url("login").toString()))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFloodOfWrongPasswordsCannotKeepTheOwnerOut() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + PasswordHashes.hash("wonderland".toCharArray(), 12) + "\n");
        AtomicBoolean ownerDone = new AtomicBoolean();
        AtomicInteger busyAnswers = new AtomicInteger();
        AtomicInteger guesses = new AtomicInteger();
        try (TestServer server = TestServer.start("--users", users.toString(), "--login-burst", "100000", "--", "sh");
             HttpClient attacker = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2")).build();
             HttpClient owner = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.1")).build()) {
            List<Thread> flood = new ArrayList<>();
            for (int t = 0; t < FLOODERS; t++) {
                int flooder = t;
                flood.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < MOST_ATTEMPTS_EACH && !ownerDone.get(); i++) {
                        try {
                            int status = login(attacker, server, "user=u" + flooder + "-" + i + "&password=guess&next=").statusCode();
                            guesses.incrementAndGet();
                            if (status == 503) {
                                busyAnswers.incrementAndGet();
                            }
                        } catch (Exception e) {
                            return;
                        }
                    }
                }));
            }
            // The flood is on once the checks have turned some of it away.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                    assertTrue(busyAnswers.get() > 0, "the flood never saturated the checks (" + guesses.get() + " guesses)"));
            try {
                HttpResponse<String> response = login(owner, server, "user=alice&password=wonderland&next=");
                assertEquals(303, response.statusCode(), "the owner's right password during the flood: " + response.body());
            } finally {
                ownerDone.set(true);
                for (Thread thread : flood) {
                    thread.join(Duration.ofSeconds(60));
                }
            }
        }
    }
}
