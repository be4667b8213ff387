package io.cloudterm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a benchmarked server's stdout or stderr: completes {@code address} from its "serving ...
 * at http://127.0.0.x:PORT/" line (a gateway's says "relaying" instead), and {@code token} from the
 * login URL it prints when it has an access token; echoes its warnings, and keeps its last 20
 * lines for error messages. The load driver's (the JDK 22+ source launcher compiles it alongside).
 */
public final class ServerOutput {

    private static final Pattern SERVING = Pattern.compile("(?:serving|relaying) .* at (http://127\\.\\d+\\.\\d+\\.\\d+:\\d+/)");
    private static final Pattern TOKEN = Pattern.compile("^\\s+http://\\S+#token=([A-Za-z0-9_-]+)\\s*$");

    private ServerOutput() {
    }

    public static void drain(InputStream in, String name, CompletableFuture<URI> address, CompletableFuture<String> token,
                             Deque<String> lastLines) {
        Thread.ofPlatform().daemon().name("drain-" + name).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    Matcher m = SERVING.matcher(line);
                    if (!address.isDone() && m.find()) {
                        address.complete(URI.create(m.group(1)));
                    }
                    Matcher t = TOKEN.matcher(line);
                    if (!token.isDone() && t.find()) {
                        token.complete(t.group(1));
                    }
                    if (line.contains("SEVERE") || line.contains("WARNING") || line.contains("Exception")) {
                        System.out.println("server " + name + ": " + line);
                    }
                    synchronized (lastLines) {
                        lastLines.add(name + ": " + line);
                        if (lastLines.size() > 20) {
                            lastLines.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                // the server is gone
            }
            address.completeExceptionally(new IllegalStateException("server ended before saying its address: " + lastLines));
            token.completeExceptionally(new IllegalStateException("server ended without printing an access token"));
        });
    }
}
