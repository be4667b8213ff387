package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.cli.CloudTerm;
import io.cloudterm.client.TtyClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGTERM to a server with many clients attached: every client hears why (1001, "server shutting
 * down"), every terminal's end is in the audit trail, and the server is gone in bounded time.
 * The server runs in a JVM of its own, as a service manager runs it.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShutdownTest {

    private static final int CLIENTS = 50;
    /** Generous: the kill grace (1 s here) and a few seconds, on a loaded machine. */
    private static final Duration EXIT_BOUND = Duration.ofSeconds(15);
    private static final Pattern SERVING = Pattern.compile(" at (http://[^ ]+/) \\(ptys");
    private static final Pattern STARTED = Pattern.compile("terminal (\\d+) started pid=");
    private static final Pattern ENDED = Pattern.compile("terminal (\\d+) ended user=");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void sigtermClosesEveryClientWithAReasonAuditsEveryEndAndExits(String mode) throws Exception {
        sigtermWith(mode, "echo ready; exec cat", "exit 129|signal 1");
    }

    /** Children that ignore the hang-up get SIGKILL after the kill grace, and the server still goes in time. */
    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void childrenIgnoringTheHangUpDoNotHoldTheServer(String mode) throws Exception {
        sigtermWith(mode, "trap '' HUP; echo ready; exec sleep 1000", "signal 9");
    }

    private void sigtermWith(String mode, String script, String endStatus) throws Exception {
        Path log = dir.resolve("server.log");
        Process server = startServer(log, "--port", "0", "--no-auth", "--native", mode, "--kill-after", "1",
                "--max-terminals", "100", "--max-terminals-per-user", "100", "--", "sh", "-c", script);
        List<TtyClient> clients = new ArrayList<>();
        try {
            URI ws = URI.create(awaitUrl(server, log).toString().replaceFirst("^http", "ws") + "ws");
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(TtyClient.connect(ws, Map.of()).handshake("", 80, 24));
            }
            for (TtyClient client : clients) {
                client.awaitOutput("ready", Duration.ofSeconds(30));
            }

            long signalled = System.nanoTime();
            server.destroy(); // SIGTERM
            boolean exited = server.waitFor(EXIT_BOUND.toSeconds(), TimeUnit.SECONDS);
            long exitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            System.out.println("native=" + mode + ": " + CLIENTS + " terminals, the server exited "
                    + exitMillis + " ms after SIGTERM");
            assertTrue(exited, "the server was still running " + EXIT_BOUND + " after SIGTERM");

            for (TtyClient client : clients) {
                assertEquals(new TtyClient.Close(1001, "server shutting down"), client.awaitClose(Duration.ofSeconds(10)));
            }
            String output = Files.readString(log);
            Set<String> started = ids(STARTED, output);
            assertEquals(CLIENTS, started.size(), output);
            assertEquals(started, ids(ENDED, output), "every terminal's end is audited:\n" + output);
            assertTrue(Pattern.compile("ended user=.* status=\"(" + endStatus + ")\"").matcher(output).find(), output);
        } finally {
            clients.forEach(TtyClient::abort);
            server.destroyForcibly();
        }
    }

    /** The server in a JVM of its own, everything it prints going to {@code log}. */
    private static Process startServer(Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CloudTerm.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        return builder.start();
    }

    /** The address the server says it serves at. */
    private static URI awaitUrl(Process server, Path log) throws Exception {
        await("the server saying where it serves, in " + log).atMost(Duration.ofSeconds(60))
                .failFast("the server exited before saying where it serves", () -> !server.isAlive())
                .until(() -> SERVING.matcher(Files.readString(log)).find());
        Matcher serving = SERVING.matcher(Files.readString(log));
        serving.find();
        return URI.create(serving.group(1));
    }

    private static Set<String> ids(Pattern pattern, String output) {
        Set<String> ids = new TreeSet<>();
        Matcher matcher = pattern.matcher(output);
        while (matcher.find()) {
            ids.add(matcher.group(1));
        }
        return ids;
    }
}
