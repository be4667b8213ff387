package io.cloudterm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.bench.load.LoadDriver;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every load-driver scenario once, at tiny sizes, against a real server process started from the
 * compiled classes (the jar does not exist yet in the test phase). Only completion and exactness
 * are checked (every byte, every echo, every child reaped, fds back), never a speed.
 */
@Tag("load")
class LoadDriverSmokeTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void throughputDeliversEveryByte(String mode) throws IOException {
        JsonObject r = run(mode, "throughput", "--mb", "1", "--runs", "1");
        assertTrue(r.getBoolean("bytes_exact"));
        assertTrue(r.getJsonNumber("server_MBps").doubleValue() > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void fanOutDeliversEveryByteToEachTerminal(String mode) throws IOException {
        JsonObject r = run(mode, "fanout", "--terminals", "2", "--mb", "1", "--runs", "1");
        assertEquals(2, r.getInt("terminals"));
        assertTrue(r.getBoolean("bytes_exact"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void latencyEchoesEveryKeyOfEveryTypist(String mode) throws IOException {
        JsonObject r = run(mode, "latency", "--keys", "200", "--warmup", "20", "--runs", "1", "--typists", "2");
        assertEquals(r.getJsonNumber("typist_keys_typed").longValue(), r.getJsonNumber("typist_keys_echoed").longValue());
        assertTrue(r.getJsonNumber("typist_keys_typed").longValue() > 0);
        assertTrue(r.getJsonObject("pty_echo_floor_median_us").getJsonNumber("p99").doubleValue() > 0);
        assertTrue(r.getJsonNumber("server_cpu_us_per_keystroke_alone").doubleValue() >= 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void sessionsOpenReattachAndEndEveryTerminal(String mode) throws IOException {
        JsonObject r = run(mode, "sessions", "--terminals", "20", "--driver-warmup", "0");
        assertEquals(20, r.getInt("processes_under_server") / (mode.equals("on") ? 1 : 2));
        assertTrue(r.getJsonNumber("idle_rss_kb_fresh").longValue() > 0);
    }

    /** The results page: every scenario of a mode run in turn, their targets gathered into one table. */
    @Test
    void reportGathersEveryGoalIntoOneTable() throws IOException {
        Path page = dir.resolve("results.md");
        int status = LoadDriver.run("report", "--tiny", "--modes", "on", "--server-classpath", serverClasspath(),
                "--dir", dir.resolve("report").toString(), "--markdown", page.toString());
        String md = Files.readString(page);
        assertEquals(0, status, md);
        assertTrue(md.contains("| figure | target | reading | met |"), md);
        for (String goal : List.of("throughput / raw-pty ceiling", "server CPU-seconds per GB", "server CPU per keystroke alone",
                "p99 alone", "p99 with 2 typists", "idle RSS of a freshly started server", "seconds to open 1,000 terminals",
                "server RSS KB per live terminal", "RSS back within 5 MB", "server RSS KB per idle connection")) {
            assertTrue(md.contains(goal), goal + " missing from\n" + md);
        }
    }

    /** Every phase: the driver's warm-up, open, fill, detach, reattach by handle, end. */
    @Test
    void sessionsThroughEveryPhase() throws IOException {
        JsonObject r = run("on", "sessions", "--terminals", "4", "--warmup", "2", "--fill", "2", "--no-gc",
                "--driver-warmup", "3");
        assertEquals(3, r.getInt("driver_warmup"));
        int rounds = r.getInt("driver_warmup_rounds");
        assertTrue(rounds >= 1 && rounds <= 6, rounds + " rounds");
        assertEquals(4, r.getInt("processes_under_server"));
    }

    @Test
    void connectionsAllGetTheirTerminalsOutput() throws IOException {
        // More per terminal than the server's default cap of a user's clients on one terminal (32).
        JsonObject r = run("on", "connections", "--connections", "80", "--per-terminal", "40", "--hold", "0");
        assertEquals(2, r.getInt("terminals"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void cyclesLeaveNoChildNorFd(String mode) throws IOException {
        JsonObject r = run(mode, "cycles", "--cycles", "50", "--readings", "2");
        assertEquals(0, r.getInt("fds_growth"));
        int warmUp = r.getInt("warmup_cycles");
        assertTrue(warmUp >= 4 * 20 && warmUp <= 6 * 20, warmUp + " warm-up cycles, in rounds of 20");
    }

    @Test
    void filesAreServedBesideNginxWithoutFailedRequests() throws IOException {
        // wrk and nginx-light come from Debian (.ci/run installs them).
        JsonObject r = run("on", "files", "--sizes", "1k", "--seconds", "1", "--warmup", "1", "--big-size", "8m",
                "--big-clients", "4", "--range-clients", "20");
        for (String run : List.of("1k_keepalive", "1k_close")) {
            assertTrue(r.getJsonObject(run).getJsonNumber("cloudterm_requests_per_s").doubleValue() > 0, run);
            assertTrue(r.getJsonObject(run).getJsonNumber("nginx_requests_per_s").doubleValue() > 0, run);
        }
    }

    @Test
    void gatewayRelaysEveryByteAndEveryKeyOnEachLeg() throws IOException {
        // nginx-light comes from Debian (.ci/run installs it); hosts listen on 127.0.0.2 (all of 127/8 is loopback on Linux).
        JsonObject r = run("on", "gateway", "--mb", "1", "--runs", "1", "--keys", "50", "--warmup", "10", "--latency-runs", "1",
                "--idle", "10", "--hold", "0");
        for (String leg : List.of("direct", "splice", "copy", "nginx", "java")) {
            assertTrue(r.getJsonObject("throughput").getJsonObject(leg).getJsonNumber("MBps").doubleValue() > 0, leg);
        }
        for (String leg : List.of("direct", "splice", "copy", "nginx")) {
            assertTrue(r.getJsonObject("latency").getJsonObject(leg).getJsonObject("median_us").getJsonNumber("p50").doubleValue() > 0, leg);
        }
        for (String leg : List.of("splice", "copy", "nginx")) {
            assertTrue(r.getJsonObject("idle").getJsonObject(leg).getJsonNumber("rss_after_kb").longValue() > 0, leg);
        }
    }

    /** Runs one scenario in this JVM; it must pass its own checks. */
    private JsonObject run(String mode, String scenario, String... options) throws IOException {
        Path json = dir.resolve(scenario + ".json");
        List<String> args = new ArrayList<>(List.of(scenario, "--native", mode, "--server-classpath", serverClasspath(),
                "--json", json.toString(), "--no-settle"));
        args.addAll(List.of(options));
        int status = LoadDriver.run(args.toArray(String[]::new));
        assertTrue(Files.exists(json), scenario + " wrote no JSON (exit " + status + ")");
        JsonObject result;
        try (Reader in = Files.newBufferedReader(json)) {
            result = Json.createReader(in).readObject();
        }
        assertEquals(0, status, scenario + ": " + result.get("failed_checks"));
        assertTrue(result.getBoolean("ok"));
        return result;
    }

    /** The server's classes and their libraries: this JVM's own class path, as surefire gives it. */
    private static String serverClasspath() {
        String classes = System.getProperty("cloudterm.classes", "target/classes");
        return classes + File.pathSeparator + System.getProperty("java.class.path");
    }
}
