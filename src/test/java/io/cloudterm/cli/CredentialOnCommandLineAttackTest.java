package io.cloudterm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.testkit.CommandLines;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local user without any access to CloudTerm lists processes: a server given its Basic credential
 * in a file or in the environment shows no password in its command line (/proc/PID/cmdline, what
 * ps prints), and still lets the credential in. With ttyd's {@code -c} the password is there to
 * read, which is what shows that this test can see it, and the server says so in its log.
 */
@Tag("security")
class CredentialOnCommandLineAttackTest {

    private static final String PASSWORD = "wonder-land-7";
    private static final Pattern SERVING = Pattern.compile("serving .* at (http://\\S+)");

    @TempDir
    Path dir;

    /** A running server's command line and the output it printed up to its address. */
    private record Seen(String commandLine, String output) {
    }

    private Seen start(List<String> options, Map<String, String> environment) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "reads command lines in /proc");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), CloudTerm.class.getName(), "--port", "0", "--native", "off"));
        command.addAll(options);
        command.addAll(List.of("--", "sh"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("CLOUDTERM_CREDENTIAL");
        builder.environment().putAll(environment);
        Process server = builder.start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder output = new StringBuilder();
            String url = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        output.append(line).append('\n');
                        Matcher serving = SERVING.matcher(line);
                        if (serving.find()) {
                            return serving.group(1);
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
            assertTrue(url != null, "the server did not start: " + output);
            String commandLine = CommandLines.of(server.pid());
            assertTrue(commandLine.contains(CloudTerm.class.getName()), commandLine);
            assertEquals(200, getWithBasic(url, "alice:" + PASSWORD), "the credential lets its owner in");
            assertEquals(401, getWithBasic(url, "alice:guess"), "and nothing else");
            return new Seen(commandLine, output.toString());
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static int getWithBasic(String url, String userColonPassword) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8)))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    @Test
    void aCredentialFileIsNotInTheCommandLine() throws Exception {
        Path file = dir.resolve("credential");
        Files.writeString(file, "alice:" + PASSWORD + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Seen seen = start(List.of("--credential-file", file.toString()), Map.of());
        assertFalse(seen.commandLine().contains(PASSWORD), seen.commandLine());
        assertFalse(seen.output().contains(PASSWORD), "nor in the log: " + seen.output());
    }

    @Test
    void aCredentialInTheEnvironmentIsNotInTheCommandLine() throws Exception {
        Seen seen = start(List.of(), Map.of("CLOUDTERM_CREDENTIAL", "alice:" + PASSWORD));
        assertFalse(seen.commandLine().contains(PASSWORD), seen.commandLine());
        assertFalse(seen.output().contains(PASSWORD), "nor in the log: " + seen.output());
    }

    @Test
    void dashCShowsThePasswordToEveryoneAndTheServerWarns() throws Exception {
        Seen seen = start(List.of("-c", "alice:" + PASSWORD), Map.of());
        assertTrue(seen.commandLine().contains(PASSWORD), "what ps shows: " + seen.commandLine());
        assertTrue(seen.output().contains("--credential-file FILE or the CLOUDTERM_CREDENTIAL environment variable"),
                seen.output());
    }
}
