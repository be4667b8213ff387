package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.cli.CloudTerm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An attacker holds more half-sent requests than the server may open files: the server refuses
 * the excess, says so once, and serves again once the attacker lets go (Helidon's own listener
 * used to stop for good at the first EMFILE from accept). The server runs in a JVM of its own,
 * started under {@code prlimit --nofile=512}, so that the test needs 600 sockets, not 20,000.
 */
@Tag("security")
@EnabledOnOs(OS.LINUX)
class FdExhaustionAttackTest {

    private static final int FILE_LIMIT = 512;
    private static final int ATTACKERS = 600;
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The server of the child JVM: prints its port, serves until its stdin ends. */
    public static final class Server {
        public static void main(String[] args) throws Exception {
            try (CloudTermServer server = CloudTermServer.start(CloudTerm.configFrom(args))) {
                System.out.println("PORT " + server.port());
                System.out.flush();
                System.in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void theListenerRefusesWhileFilesRunOutAndServesAgainAfter(String nativeMode) throws Exception {
        Process child = startServer(nativeMode);
        StringBuffer output = new StringBuffer();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> collect(child, output, port));
        List<RawConnection> attackers = new ArrayList<>();
        try {
            int serverPort = port.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            for (int i = 0; i < ATTACKERS; i++) {
                try {
                    attackers.add(RawConnection.connect(serverPort).send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
                } catch (IOException e) {
                    break; // refused outright: the listener is gone (or the backlog full), nothing more to hold
                }
            }
            await(() -> output.toString().contains("refusing new connections"), "the server says it refuses", output);
            // A newcomer meanwhile is told why, not just hung up on.
            try (RawConnection newcomer = RawConnection.connect(serverPort)) {
                String answer = newcomer.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readUntilClosed(WAIT);
                assertTrue(answer.startsWith("HTTP/1.1 503 ") && answer.contains("Retry-After: 10")
                        && answer.endsWith("too many open files on the server; try again later\n"), answer);
            }
            for (RawConnection attacker : attackers) {
                attacker.close();
            }
            attackers.clear();
            await(() -> answers(serverPort), "the port answers again after the attack", output);
            await(() -> output.toString().contains("accepting new connections again"), "the server says it recovered", output);
            assertFalse(output.toString().contains("terminating now"), output.toString());
            assertFalse(output.toString().contains("\tat "), "no stack trace: " + output);
        } finally {
            for (RawConnection attacker : attackers) {
                attacker.close();
            }
            child.getOutputStream().close();
            if (!child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
            }
        }
    }

    private static Process startServer(String nativeMode) throws IOException {
        List<String> command = new ArrayList<>(List.of("prlimit", "--nofile=" + FILE_LIMIT + ":" + FILE_LIMIT,
                ProcessHandle.current().info().command().orElseThrow()));
        // The same access to the JDK as this JVM (native access, the opens that reach socket fds).
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("--add-opens") || arg.startsWith("--add-exports")
                        || arg.startsWith("--enable-native-access"))
                .forEach(command::add);
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), Server.class.getName(),
                "--port", "0", "--no-auth", "--native", nativeMode, "--header-timeout", "120", "--", "sh"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        return builder.start();
    }

    private static void collect(Process child, StringBuffer output, CompletableFuture<Integer> port) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.append(line).append('\n');
                if (line.startsWith("PORT ")) {
                    port.complete(Integer.parseInt(line.substring(5).trim()));
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new AssertionError("the server JVM ended: " + output));
    }

    private static boolean answers(int port) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void await(BooleanSupplier condition, String what, StringBuffer output) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + ": not within " + WAIT + "; the server logged:\n" + output);
            }
            Thread.sleep(100);
        }
    }
}
