package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Helidon's metrics and health are optional: an embedding application without them on its class
 * path runs CloudTerm as before (a terminal works, /observe is simply not there). A JVM of its
 * own, with this one's class path less those libraries, shows it.
 */
class WithoutObserveTest {

    /** Parts of the class path that only observability brings. */
    private static final List<String> OBSERVABILITY = List.of("/webserver/observe/", "/io/helidon/health/",
            "/metrics/providers/", "/io/micrometer/", "/io/prometheus/");

    @Test
    void withoutMetricsOnTheClassPathTheServerStartsAndServesTerminals() throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> OBSERVABILITY.stream().noneMatch(entry::contains))
                .collect(Collectors.joining(File.pathSeparator));
        assertTrue(classPath.length() < System.getProperty("java.class.path").length(), "some libraries left out");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, WithoutObserveTest.class.getName()));
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the JVM did not end");
        assertEquals(0, jvm.exitValue(), output);
        assertTrue(output.contains("metrics and health: off, because"), output);
        assertTrue(output.contains("page 200, observe 404, terminal said hello"), output);
    }

    /** The child: a server, its page, its missing /observe, and one terminal. */
    public static void main(String[] args) {
        try (TestServer server = TestServer.start("--no-auth", "--", "sh")) {
            int page = server.get("", Map.of()).statusCode();
            int observe = server.get("observe/metrics", Map.of()).statusCode();
            try (TtyClient client = server.open(80, 24)) {
                client.input("echo hel''lo\r");
                client.awaitOutput("hello\r\n", Duration.ofSeconds(30));
            }
            System.out.println("page " + page + ", observe " + observe + ", terminal said hello");
        }
        System.exit(0);
    }
}
