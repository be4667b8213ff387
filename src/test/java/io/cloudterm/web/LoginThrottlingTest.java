package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/** Guessing passwords is slowed to a crawl: per client address, per user name, under a flood. */
class LoginThrottlingTest {

    @TempDir
    Path dir;

    private TestServer start(String... limits) throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("wonderland", BCrypt.gensalt(4)) + "\n");
        List<String> args = new ArrayList<>(List.of("--users", users.toString()));
        args.addAll(List.of(limits));
        args.addAll(List.of("--", "sh"));
        return TestServer.start(args.toArray(String[]::new));
    }

    @Test
    void oneAddressGetsItsBurstThenTooManyRequestsWithRetryAfter() throws Exception {
        try (TestServer server = start("--login-burst", "6", "--login-refill", "60")) {
            for (int i = 0; i < 6; i++) {
                // different user names, so only the address bucket counts
                HttpResponse<String> wrong = server.post("login", "user=u" + i + "&password=x&next=", Map.of());
                assertEquals(401, wrong.statusCode(), "attempt " + i);
                assertTrue(wrong.body().contains("value=\"u" + i + "\""), "the form keeps the name: " + wrong.body());
            }
            HttpResponse<String> refused = server.post("login", "user=u9&password=x&next=", Map.of());
            assertEquals(429, refused.statusCode());
            long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
            assertTrue(refused.body().contains("Too many attempts — try again in " + retryAfter + " s"), refused.body());
            assertTrue(refused.body().contains("value=\"u9\""), "the form keeps the name: " + refused.body());
            assertEquals(429, server.post("login", "user=alice&password=wonderland&next=", Map.of()).statusCode(),
                    "even the right password waits: the limit is on attempts");
        }
    }

    /**
     * The user bucket (half the address burst) holds back every address that has failed as the
     * user; one that has not is still checked, since it may be the owner (see LoginThrottle).
     */
    @Test
    void manyAddressesGetOneGuessEachThenWaitForTheAccount() throws Exception {
        try (TestServer server = start("--login-burst", "6", "--login-refill", "60")) {
            for (int i = 2; i < 22; i++) {
                HttpResponse<String> response = postFrom("127.0.0." + i, server, "user=alice&password=guess" + i + "&next=");
                assertEquals(401, response.statusCode(), "first guess from 127.0.0." + i);
            }
            for (int i = 2; i < 22; i++) {
                HttpResponse<String> response = postFrom("127.0.0." + i, server, "user=alice&password=again" + i + "&next=");
                assertEquals(429, response.statusCode(), "second guess from 127.0.0." + i);
            }
        }
    }

    @Test
    void aFloodFromOneAddressIsHeldToTheBurst() throws Exception {
        try (TestServer server = start("--login-burst", "8", "--login-refill", "60");
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                Callable<Integer> attempt = () -> server.post("login", "user=x" + n + "&password=y&next=", Map.of()).statusCode();
                answers.add(pool.submit(attempt));
            }
            int checked = 0;
            for (Future<Integer> answer : answers) {
                int status = answer.get();
                assertTrue(status == 401 || status == 429 || status == 503, "status " + status);
                if (status != 429) {
                    checked++;
                }
            }
            assertEquals(8, checked, "exactly the burst got past the throttle");
        }
    }

    private static HttpResponse<String> postFrom(String source, TestServer server, String form) throws Exception {
        HttpClient client = HttpClient.newBuilder().localAddress(InetAddress.getByName(source)).build();
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(server.url("login").toString()))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } finally {
            client.close();
        }
    }
}
