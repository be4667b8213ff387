package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A server given its Basic credential in {@code CLOUDTERM_CREDENTIAL} does not hand it on: the
 * shell of a terminal (and everything it runs, and whoever watches it) sees no such variable. The
 * server runs in a JVM of its own, since only there can the environment be set.
 */
@Tag("security")
class CredentialEnvironmentAttackTest {

    private static final String CREDENTIAL = "alice:wonder-land-7";
    private static final Pattern SERVING = Pattern.compile("serving .* at (http://\\S+)");

    @Test
    void theTerminalDoesNotInheritTheCredential() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), "io.cloudterm.cli.CloudTerm", "--port", "0", "--native", "off",
                "--", "sh", "-c", "echo \"seen=[${CLOUDTERM_CREDENTIAL}] home=[${HOME}]\"; exec cat")
                .redirectErrorStream(true);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().put("CLOUDTERM_CREDENTIAL", CREDENTIAL);
        Process server = builder.start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String url = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
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
            assertTrue(url != null, "the server did not start");
            String basic = "Basic " + Base64.getEncoder().encodeToString(CREDENTIAL.getBytes(StandardCharsets.UTF_8));
            String token;
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + "token"))
                        .header("Authorization", basic).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                Matcher value = Pattern.compile("\"token\":\"([^\"]*)\"").matcher(answer.body());
                assertTrue(value.find(), answer.statusCode() + " " + answer.body());
                token = value.group(1);
            }
            try (TtyClient client = TtyClient.connect(URI.create(url.replaceFirst("^http", "ws") + "ws"),
                    Map.of("Authorization", basic)).handshake(token, 80, 24)) {
                Matcher seen = client.awaitMatch(Pattern.compile("seen=\\[(.*?)\\] home=\\[(.+?)\\]"), Duration.ofSeconds(30));
                assertFalse(seen.group(1).contains("wonder"), "the terminal got the server's credential: " + seen.group());
                assertTrue(seen.group(1).isEmpty(), seen.group());
            }
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }
}
