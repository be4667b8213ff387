package io.cloudterm.aot;

import io.cloudterm.client.TtyClient;
import io.cloudterm.protocol.JsonFactories;
import java.io.IOException;
import java.io.StringReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a browser does with a fresh server, many times over: loads the page and everything it
 * links, logs in with the access token, asks for the terminal token, then opens terminals (of
 * {@code cat}), types, resizes, pauses and resumes, and ends each with EOF. Every step must get
 * the answer a browser expects, so a training run that went wrong says so instead of training
 * the cache on error paths.
 */
final class TrainingClient {

    private static final Duration EACH = Duration.ofSeconds(30);
    /** The page's links to its own files (all relative, see index.html; most with a ?v= version). */
    private static final Pattern LINK = Pattern.compile("(?:href|src)=\"([A-Za-z0-9_./-]+(?:\\?v=[A-Za-z0-9_-]+)?)\"");
    /** Keys typed into each terminal, one at a time, before Enter (at most one line of a 4 KiB pty buffer). */
    private static final int KEYS_PER_TERMINAL = 64;

    private final CookieManager cookies = new CookieManager();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(EACH).build();
    private final URI base;
    private final String origin;

    TrainingClient(URI base) {
        this.base = base;
        this.origin = base.getScheme() + "://" + base.getAuthority();
    }

    /** Loads the page and its files, logs in, and returns the token JSON_DATA carries. */
    String logIn(String accessToken) throws IOException, InterruptedException {
        for (String page : List.of("", "terminals.html")) {
            for (String file : linksOf(get(page, "text/html"))) {
                get(file, "*/*");
            }
        }
        HttpRequest login = request("login").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(accessToken, StandardCharsets.UTF_8))).build();
        expectOk("login", http.send(login, HttpResponse.BodyHandlers.ofString()));
        String token = get("token", "application/json");
        return JsonFactories.READERS.createReader(new StringReader(token)).readObject().getString("token");
    }

    private static Set<String> linksOf(String html) {
        Set<String> links = new LinkedHashSet<>();
        Matcher m = LINK.matcher(html);
        while (m.find()) {
            links.add(m.group(1));
        }
        return links;
    }

    private String get(String path, String accept) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(path).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        expectOk(path.isEmpty() ? "the page" : path, response);
        return response.body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(EACH).header("Origin", origin);
    }

    private static void expectOk(String what, HttpResponse<?> response) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IOException(what + ": the server answered " + response.statusCode() + " " + response.body());
        }
    }

    /**
     * Opens {@code count} terminals, {@code inFlight} at a time, each used and ended; fails on the
     * first that went wrong, and opens no more after it (a stuck server would otherwise cost every
     * remaining terminal its time limit, in the build).
     */
    void useTerminals(String token, int count, int inFlight) throws IOException, InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count && failed.get() == null; i++) {
                slots.acquire();
                threads.submit(() -> {
                    try {
                        useTerminal(token);
                    } catch (Exception e) {
                        failed.compareAndSet(null, e);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        if (failed.get() != null) {
            throw new IOException("a training terminal failed: " + failed.get().getMessage(), failed.get());
        }
    }

    private void useTerminal(String token) throws Exception {
        URI ws = URI.create("ws" + base.toString().substring("http".length())).resolve("ws");
        try (TtyClient terminal = TtyClient.builder(ws).header("Origin", origin).header("Cookie", cookies()).timeout(EACH)
                .connect()) {
            terminal.handshake(token, 80, 24);
            // Typed as a person types: a key at a time, each echoed by the pty before the next. The
            // cache keeps this run's method profiles and the JIT compiles from them early, so the
            // echo path must be as hot here as in use: trained on one line per terminal, a warm
            // server's p99 with 100 typists was 1.03-1.50 ms in 9 runs against 0.33-1.08 without
            // the cache; trained on typing, 0.33-1.71 against 0.38-1.55 (medians 0.80 and 0.67).
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < KEYS_PER_TERMINAL; k++) {
                String key = String.valueOf((char) ('a' + k % 26));
                terminal.input(key);
                line.append(key);
                expectOutput(terminal, line.toString());
            }
            terminal.input("\r");
            expectOutput(terminal, line + "\r\n" + line + "\r\n"); // the pty's echo of Enter, then cat's copy of the line
            terminal.resize(100, 30).pause().resume();
            terminal.input("\u0004"); // EOF: cat ends, and the server closes
            TtyClient.Close closed = terminal.awaitClose(EACH);
            if (!closed.equals(new TtyClient.Close(1000, "exit 0"))) {
                throw new IOException("the terminal closed with " + closed + ", not 1000 exit 0");
            }
        }
    }

    /** Waits until the whole output so far is {@code expected}; fails on anything else, a close, or the time limit. */
    private static void expectOutput(TtyClient terminal, String expected) throws IOException {
        String output = terminal.awaitOutput(o -> o.length() >= expected.length(),
                expected.length() + " bytes ending the typed line", EACH);
        if (!output.equals(expected)) {
            throw new IOException("expected the output " + expected.length() + " bytes long, ending the typed line; got "
                    + output.length());
        }
    }

    /** The session cookie the login set, as a browser sends it with the upgrade. */
    private String cookies() {
        return cookies.getCookieStore().get(base).stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(java.util.stream.Collectors.joining("; "));
    }
}
