package io.cloudterm.aot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server started as the start command starts it, on a free loopback port with its default
 * security, recording what it loads and profiles ({@code -XX:AOTMode=record}). Stopped with
 * SIGTERM, as an operator stops it: the JVM then writes the recording on its way out.
 *
 * <p>Recording and creating are two runs on purpose. With the one-step
 * {@code -XX:AOTCacheOutput}, a server stopped after it had served terminals died while it
 * started the JVM that assembles the cache (exit 143, no cache; JDK 25.0.3), though its
 * recording was whole.
 */
final class TrainingRun implements AutoCloseable {

    /** The line the server prints for the user: its address, with the access token after '#token='. */
    private static final Pattern LOGIN_URL = Pattern.compile("(http://\\S+/)#token=(\\S+)");
    private static final Duration START = Duration.ofSeconds(60);
    /** Long enough for the JVM to write its recording (~30 MB) as it exits. */
    private static final Duration WRITE_RECORDING = Duration.ofSeconds(120);

    private final Process server;
    private final Thread logCopy;
    private final URI base;
    private final String accessToken;

    private TrainingRun(Process server, Thread logCopy, URI base, String accessToken) {
        this.server = server;
        this.logCopy = logCopy;
        this.base = base;
        this.accessToken = accessToken;
    }

    /**
     * Starts the server on {@code launch} (the java arguments up to and with the main class or
     * jar), allowing one user {@code terminals} at once: a terminal the client has seen end may
     * still be ending in the server.
     */
    static TrainingRun start(Path recording, List<String> launch, int terminals, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(AotCacheBuilder.java());
        command.addAll(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + recording));
        command.addAll(launch);
        String limit = String.valueOf(terminals);
        command.addAll(List.of("--port", "0", "--max-terminals", limit, "--max-terminals-per-user", limit, "--", "cat"));
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Matcher> url = new CompletableFuture<>();
        Thread logCopy = Thread.ofVirtual().name("aot-training-log").start(() -> copyToLog(server, log, url));
        try {
            Matcher m = url.get(START.toSeconds(), TimeUnit.SECONDS);
            return new TrainingRun(server, logCopy, URI.create(m.group(1)), m.group(2));
        } catch (ExecutionException e) {
            boolean exited = server.waitFor(5, TimeUnit.SECONDS);
            throw new IOException("the server " + (exited ? "exited with status " + server.exitValue() : "stopped talking")
                    + " before it printed its address (see " + log.getFileName() + ")", e);
        } catch (TimeoutException e) {
            throw new IOException("the server did not print its address within " + START.toSeconds() + " s (see "
                    + log.getFileName() + ")", e);
        } finally {
            if (!url.isDone() || url.isCompletedExceptionally()) {
                server.destroyForcibly();
            }
        }
    }

    /** The server's output, all of it, into the log; the login address, once seen, into {@code url}. */
    private static void copyToLog(Process server, Path log, CompletableFuture<Matcher> url) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Matcher m = LOGIN_URL.matcher(line);
                boolean found = m.find();
                if (found && !url.isDone()) {
                    url.complete(m);
                }
                // The token is a throwaway one, and still a secret: it stays out of files.
                out.println(found ? line.replace(m.group(2), "(hidden)") : line);
            }
        } catch (IOException e) {
            url.completeExceptionally(e);
        }
        url.completeExceptionally(new IOException("the server's output ended"));
    }

    URI base() {
        return base;
    }

    String accessToken() {
        return accessToken;
    }

    /**
     * Stops the server with SIGTERM and waits while the JVM writes its recording, and until its
     * last words are in the log; false if it did not end.
     */
    boolean stop() throws InterruptedException {
        server.destroy();
        return server.waitFor(WRITE_RECORDING.toSeconds(), TimeUnit.SECONDS) && logCopy.join(START);
    }

    /** Leaves nothing running, whatever happened. */
    @Override
    public void close() {
        if (server.isAlive()) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }
}
