package io.cloudterm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a benchmarked server's stdout or stderr: completes {@code port} from its "serving ... at
 * http://127.0.0.1:PORT/" line, echoes its warnings, and keeps its last 20 lines for error
 * messages. The load driver's (the JDK 22+ source launcher compiles it alongside).
 */
public final class ServerOutput {

    private static final Pattern SERVING = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/");

    private ServerOutput() {
    }

    public static void drain(InputStream in, String name, CompletableFuture<Integer> port, Deque<String> lastLines) {
        Thread.ofPlatform().daemon().name("drain-" + name).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    Matcher m = SERVING.matcher(line);
                    if (!port.isDone() && line.contains("serving") && m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
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
            port.completeExceptionally(new IllegalStateException("server ended before saying its port: " + lastLines));
        });
    }
}
