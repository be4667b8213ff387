package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server seen through /observe/metrics (Prometheus text) and /observe/health, as a scraper and
 * a load balancer see it. Counters are process-wide and other servers of this JVM may have moved
 * them, so each story reads a value before and after.
 */
class ObserveTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ParameterizedTest(name = "--native {0}")
    @ValueSource(strings = {"on", "off"})
    void aTerminalsLifeShowsInTheMeters(String nativeMode) {
        try (TestServer server = TestServer.start("--native", nativeMode, "--no-auth", "--observe-public", "--", "sh")) {
            double live = meter(server, "cloudterm_terminals_live");
            double output = meter(server, "cloudterm_output_bytes_total");
            double reads = meter(server, "cloudterm_pty_reads_total");
            double input = meter(server, "cloudterm_input_bytes_total");
            double attached = meter(server, "cloudterm_clients_attached");
            double wakeups = meter(server, "cloudterm_poller_wakeups_total");
            try (TtyClient client = server.open(80, 24)) {
                client.input("echo ob''served\r");
                client.awaitOutput("observed\r\n", WAIT);
                assertEquals(live + 1, meter(server, "cloudterm_terminals_live"));
                assertEquals(attached + 1, meter(server, "cloudterm_clients_attached"));
                assertTrue(meter(server, "cloudterm_output_bytes_total") >= output + "observed\r\n".length());
                assertTrue(meter(server, "cloudterm_pty_reads_total") > reads);
                assertTrue(meter(server, "cloudterm_input_bytes_total") >= input + "echo ob''served\r".length());
                if (nativeMode.equals("on")) {
                    assertTrue(meter(server, "cloudterm_poller_wakeups_total") > wakeups, "the poller woke for the socket and the pty");
                }
            }
            await().atMost(WAIT).until(() -> meter(server, "cloudterm_terminals_live") == live);
            assertEquals(attached, meter(server, "cloudterm_clients_attached"));
        }
    }

    @Test
    void aKeptTerminalCountsAsDetachedWithItsScrollbackUntilItIsHungUp() {
        try (TestServer server = TestServer.start("--no-auth", "--observe-public", "--keep-alive", "600", "--", "sh")) {
            double detached = meter(server, "cloudterm_terminals_detached");
            double scrollback = meter(server, "cloudterm_scrollback_bytes");
            TtyClient client = server.open(80, 24);
            client.input("echo kept\r");
            client.awaitOutput("kept\r\n", WAIT);
            client.close();
            await().atMost(WAIT).until(() -> meter(server, "cloudterm_terminals_detached") == detached + 1);
            assertTrue(meter(server, "cloudterm_scrollback_bytes") > scrollback, "its output is kept for a reattach");
            server.server().terminals().forEach(io.cloudterm.terminal.Terminal::hangUp);
            await().atMost(WAIT).until(() -> meter(server, "cloudterm_terminals_detached") == detached);
            await().atMost(WAIT).until(() -> meter(server, "cloudterm_scrollback_bytes") == scrollback);
        }
    }

    @Test
    void aFailedLoginAndARefusedTerminalAreCounted() {
        try (TestServer server = TestServer.start("--observe-public", "--", "sh")) {
            double failed = meter(server, "cloudterm_logins_total{result=\"failed\"");
            double ok = meter(server, "cloudterm_logins_total{result=\"ok\"");
            assertEquals(401, server.post("login", "token=wrong", Map.of()).statusCode());
            assertEquals(failed + 1, meter(server, "cloudterm_logins_total{result=\"failed\""));
            String cookie = server.login();
            assertEquals(ok + 1, meter(server, "cloudterm_logins_total{result=\"ok\""));

            double authFailed = meterOrZero(server, "cloudterm_websocket_closes_total{code=\"4003\"");
            TtyClient client = TtyClient.connect(server.ws(), Map.of("Cookie", cookie)).handshake("guess", 80, 24);
            assertEquals(4003, client.awaitClose(WAIT).code());
            assertEquals(authFailed + 1, meter(server, "cloudterm_websocket_closes_total{code=\"4003\""));
        }
    }

    /** The program was there at start-up and is gone now: posix_spawn fails, the client hears 4500. */
    @Test
    void aProgramThatCannotStartIsCountedAsASpawnFailure(@TempDir Path temp) throws IOException {
        Path program = temp.resolve("program");
        Files.writeString(program, "#!/bin/sh\necho hi\n");
        assertTrue(program.toFile().setExecutable(true));
        try (TestServer server = TestServer.start("--native", "on", "--no-auth", "--observe-public", "--",
                program.toString())) {
            Files.delete(program);
            double failures = meter(server, "cloudterm_spawn_failures_total");
            double live = meter(server, "cloudterm_terminals_live");
            double closes = meterOrZero(server, "cloudterm_websocket_closes_total{code=\"4500\"");
            try (TtyClient client = server.open(80, 24)) {
                assertEquals(4500, client.awaitClose(WAIT).code());
            }
            // Micrometer holds a functional counter's state weakly: after a GC it must still count.
            System.gc();
            System.gc();
            assertEquals(failures + 1, meter(server, "cloudterm_spawn_failures_total"));
            assertEquals(closes + 1, meter(server, "cloudterm_websocket_closes_total{code=\"4500\""));
            assertEquals(live, meter(server, "cloudterm_terminals_live"), "nothing left behind");
        }
    }

    @Test
    void healthIsUpWhenAPtyStartsAndTheRecordingDirectoryIsWritable(@TempDir Path recordings) {
        try (TestServer server = TestServer.start("--no-auth", "--record", recordings.toString(), "--", "sh")) {
            HttpResponse<String> health = server.get("observe/health", Map.of());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
            assertTrue(health.body().contains("pty-spawn"), health.body());
            assertTrue(health.body().contains("recording-directory"), health.body());
            HttpResponse<String> json = server.get("observe/metrics", Map.of("Accept", "application/json"));
            assertEquals(200, json.statusCode());
            assertTrue(json.body().startsWith("{") && json.body().contains("cloudterm.terminals.live"), json.body());
        }
    }

    /** A directory under a regular file cannot be created nor written, not even by root (chmod would not stop root). */
    @Test
    void healthIsDownWhenTheRecordingDirectoryIsGone(@TempDir Path temp) throws IOException {
        Path recordings = Files.createDirectory(temp.resolve("recordings"));
        try (TestServer server = TestServer.start("--no-auth", "--record", recordings.toString(), "--", "sh")) {
            Files.delete(recordings);
            Files.writeString(recordings, "a file where the directory was");
            HttpResponse<String> health = server.get("observe/health", Map.of());
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"status\":\"DOWN\""), health.body());
            assertTrue(health.body().contains("not a writable directory"), health.body());
        }
    }

    @Test
    void usersFileIsCheckedWithAccountsAndPublicHealthSaysOnlyUpOrDown(@TempDir Path temp) throws IOException {
        Path users = temp.resolve("users");
        Files.writeString(users, "");
        try (TestServer server = TestServer.start("--users", users.toString(), "--observe-public", "--", "sh")) {
            HttpResponse<String> health = server.get("observe/health", Map.of());
            assertEquals(204, health.statusCode(), "UP, and nothing more: " + health.body());
            Files.delete(users);
            HttpResponse<String> down = server.get("observe/health", Map.of());
            assertEquals(503, down.statusCode());
            assertFalse(down.body().contains(users.toString()), "public health tells no paths: " + down.body());
        }
    }

    @Test
    void underABasePathObserveLivesUnderIt() {
        try (TestServer server = TestServer.start("--base-path", "/term", "--no-auth", "--", "sh")) {
            assertEquals(200, server.get("observe/health", Map.of()).statusCode(), "relative to /term/");
            assertEquals(404, server.get("/observe/health", Map.of()).statusCode());
        }
    }

    static double meter(TestServer server, String series) {
        double value = meterOrNaN(server, series);
        if (Double.isNaN(value)) {
            throw new AssertionError(series + " not in /observe/metrics");
        }
        return value;
    }

    private static double meterOrZero(TestServer server, String series) {
        double value = meterOrNaN(server, series);
        return Double.isNaN(value) ? 0 : value;
    }

    /** The value of the first sample whose name (and labels, up to where {@code series} stops) match. */
    private static double meterOrNaN(TestServer server, String series) {
        HttpResponse<String> metrics = server.get("observe/metrics", Map.of("Accept", "text/plain"));
        assertEquals(200, metrics.statusCode(), metrics.body());
        String labels = series.contains("{") ? "" : "(\\{[^}]*\\})?";
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(series) + (series.contains("{") ? "[^}]*\\}" : labels)
                + " (\\S+)$").matcher(metrics.body());
        return sample.find() ? Double.parseDouble(sample.group(sample.groupCount())) : Double.NaN;
    }
}
