package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudterm.client.TtyClient;
import io.cloudterm.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mindrot.jbcrypt.BCrypt;

/**
 * Taking a user out of the users file, or giving them a new password, must take away what the old
 * account granted: the session cookie, the remembered Basic credential, and the terminals' open
 * connections (closed with 4004, as at logout), not 12 hours or 5 minutes later.
 */
@Tag("security")
class RemovedUserAttackTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The sweep (every 10 s by default) is made to look often; the users file is read again at most once a second. */
    private static final ServerConfig.Timers OFTEN = new ServerConfig.Timers(ServerConfig.Timers.DEFAULT.greeting(),
            Duration.ofMillis(200));
    /** A bound, not a wait: the sweep and the users file's re-read take about a second. */
    private static final Duration SWEEP_WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path users;
    /** Bob's line, written the same each time: a new hash (a new salt) would be a new password. */
    private final String bob = line("bob", "builder");

    private static String line(String user, String password) {
        return user + ":" + BCrypt.hashpw(password, BCrypt.gensalt(4)) + "\n";
    }

    private TestServer start(String nativeMode, String... more) throws Exception {
        users = dir.resolve("users");
        Files.writeString(users, line("alice", "wonderland") + bob);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--native", nativeMode, "--users", users.toString()));
        args.addAll(java.util.List.of(more));
        args.addAll(java.util.List.of("--", "sh"));
        return TestServer.start(b -> b.timers(OFTEN), args.toArray(String[]::new));
    }

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static TtyClient shell(TestServer server, Map<String, String> credentials) {
        String token = server.terminalToken(credentials);
        TtyClient client = TtyClient.connect(server.ws(), credentials).handshake(token, 80, 24);
        client.input("echo who=$CLOUDTERM_USER.\r");
        client.awaitOutput("who=alice.", WAIT);
        return client;
    }

    @ParameterizedTest(name = "--native {0}")
    @ValueSource(strings = {"on", "off"})
    void aRemovedUsersSessionAndTerminalEnd(String nativeMode) throws Exception {
        try (TestServer server = start(nativeMode)) {
            String cookie = server.login("alice", "wonderland");
            TtyClient client = shell(server, Map.of("Cookie", cookie));

            Files.writeString(users, bob);

            await().atMost(WAIT).until(() -> server.get("token", Map.of("Cookie", cookie)).statusCode() == 401);
            TtyClient.Close close = client.awaitClose(WAIT);
            assertEquals(4004, close.code(), close.toString());
            assertEquals(401, server.upgradeStatus(Map.of("Cookie", cookie)), "no new shell either");
            assertEquals(303, server.get("", Map.of("Cookie", cookie)).statusCode(), "the page sends the browser to the form");
        }
    }

    @ParameterizedTest(name = "--native {0}")
    @ValueSource(strings = {"on", "off"})
    void aNewPasswordEndsTheOldBasicCredentialAndItsTerminal(String nativeMode) throws Exception {
        try (TestServer server = start(nativeMode)) {
            Map<String, String> old = Map.of("Authorization", basic("alice:wonderland"));
            TtyClient client = shell(server, old);
            String cookie = server.login("alice", "wonderland");

            Files.writeString(users, line("alice", "looking-glass") + bob);

            await().atMost(WAIT).until(() -> server.get("token", old).statusCode() == 401);
            TtyClient.Close close = client.awaitClose(WAIT);
            assertEquals(4004, close.code(), close.toString());
            assertEquals(401, server.upgradeStatus(old), "the remembered credential is forgotten");
            assertEquals(401, server.get("token", Map.of("Cookie", cookie)).statusCode(), "the session of the old password ended");
            String fresh = server.login("alice", "looking-glass");
            assertEquals(200, server.get("token", Map.of("Cookie", fresh)).statusCode(), "the new password works");
            assertEquals(200, server.get("token", Map.of("Authorization", basic("alice:looking-glass"))).statusCode());
        }
    }

    @ParameterizedTest(name = "--native {0}")
    @ValueSource(strings = {"on", "off"})
    void anOpenTerminalEndsEvenIfNothingElseIsAsked(String nativeMode) throws Exception {
        try (TestServer server = start(nativeMode)) {
            String cookie = server.login("alice", "wonderland");
            TtyClient client = shell(server, Map.of("Cookie", cookie));
            String bobsSession = server.login("bob", "builder");

            Files.writeString(users, bob);

            TtyClient.Close close = client.awaitClose(SWEEP_WAIT);
            assertEquals(4004, close.code(), close.toString());
            assertEquals(200, server.get("token", Map.of("Cookie", bobsSession)).statusCode(), "other users keep their sessions");
        }
    }

    @ParameterizedTest(name = "--native {0}")
    @ValueSource(strings = {"on", "off"})
    void theTerminalsARemovedUserLeftRunningEnd(String nativeMode) throws Exception {
        try (TestServer server = start(nativeMode, "--keep-alive", "600")) {
            String cookie = server.login("alice", "wonderland");
            shell(server, Map.of("Cookie", cookie)).close();
            assertEquals(1, server.server().terminals().size(), "kept alive for a later client, or a share link");

            Files.writeString(users, bob);

            await().atMost(WAIT).until(() -> server.get("token", Map.of("Cookie", cookie)).statusCode() == 401);
            await().atMost(WAIT).until(() -> server.server().terminals().isEmpty());
        }
    }
}
