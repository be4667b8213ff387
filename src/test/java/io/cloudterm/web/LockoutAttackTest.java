package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/**
 * A guesser slows down only themselves: however long they keep guessing, the owner's right secret,
 * sent from another address, gets in. On loopback 127.0.0.2 plays the attacker and 127.0.0.1 the
 * owner (all of 127/8 is loopback on Linux).
 */
@Tag("security")
class LockoutAttackTest {

    private static final String ATTACKER = "127.0.0.2";
    private static final String OWNER = "127.0.0.1";

    @TempDir
    Path dir;

    private static HttpResponse<String> postFrom(String source, TestServer server, String form, Map<String, String> headers)
            throws Exception {
        try (HttpClient client = HttpClient.newBuilder().localAddress(InetAddress.getByName(source)).build()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url("login").toString()))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
            headers.forEach(request::header);
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Guesses until the guesser is throttled; returns how many were answered 401. */
    private static int guessUntilThrottled(TestServer server, String form) throws Exception {
        for (int i = 0; i < 50; i++) {
            int status = postFrom(ATTACKER, server, form, Map.of()).statusCode();
            if (status == 429) {
                return i;
            }
            assertEquals(401, status, "guess " + i);
        }
        throw new AssertionError("50 guesses and still not throttled");
    }

    @Test
    void aTokenGuesserCannotLockTheOwnerOut() throws Exception {
        try (TestServer server = TestServer.start("--", "sh")) {
            guessUntilThrottled(server, "token=guess");
            assertEquals(429, postFrom(ATTACKER, server, "token=guess", Map.of()).statusCode(), "the guesser stays throttled");
            String token = server.server().accessToken().orElseThrow();
            assertEquals(204, postFrom(OWNER, server, "token=" + token, Map.of()).statusCode(),
                    "the owner's right token from their own address");
            assertEquals(204, postFrom(ATTACKER, server, "token=" + token, Map.of()).statusCode(),
                    "256 random bits are not guessed: a right token is never refused, even from a throttled address");
        }
    }

    @Test
    void aPasswordGuesserCannotLockTheOwnerOut() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("wonderland", BCrypt.gensalt(4)) + "\n");
        try (TestServer server = TestServer.start("--users", users.toString(), "--", "sh")) {
            int guesses = guessUntilThrottled(server, "user=alice&password=guess&next=");
            assertEquals(5, guesses, "the guesser got the user bucket's burst");
            assertEquals(429, postFrom(ATTACKER, server, "user=alice&password=wonderland&next=", Map.of()).statusCode(),
                    "the guessing address waits, even with the right password");
            assertEquals(429, postFrom(ATTACKER, server, "user=alice&password=guess&next=",
                    Map.of("X-Forwarded-For", "192.0.2.9")).statusCode(), "a forged X-Forwarded-For is ignored");
            assertEquals(303, postFrom(OWNER, server, "user=alice&password=wonderland&next=", Map.of()).statusCode(),
                    "the owner's right password from another address");
        }
    }
}
