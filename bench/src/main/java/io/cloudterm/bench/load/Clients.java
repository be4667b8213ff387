package io.cloudterm.bench.load;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Many clients at once, opened and closed asynchronously with a bound on how many are in flight,
 * each with its OUTPUT kept in a {@link Transcript}. Either client ({@link StreamClient.Kind}):
 * the JDK's (no thread per connection: one selector thread for all) or the raw one (a virtual
 * thread per connection, reading into a small buffer).
 */
final class Clients {

    private static final Duration EACH = Duration.ofSeconds(60);

    private Clients() {
    }

    /** A client whose terminal has said who it is (TERMINAL_INFO). */
    record Open(StreamClient client, Transcript output, String handle, boolean reattached) {
    }

    /** Connects with the JDK client and waits for TERMINAL_INFO. */
    static CompletableFuture<Open> connect(URI uri) {
        return connect(StreamClient.Kind.jdk, uri);
    }

    /** Connects with the given client and waits for TERMINAL_INFO. */
    static CompletableFuture<Open> connect(StreamClient.Kind kind, URI uri) {
        Transcript output = new Transcript();
        return kind.connect(uri, output).thenCompose(c -> c.info().thenApply(
                info -> new Open(c, output, info.getString("terminal"), info.getBoolean("reattached", false))));
    }

    /** Opens {@code n} JDK clients, {@code uri.apply(i)} each, at most {@code inFlight} at a time. */
    static List<Open> open(int n, int inFlight, IntFunction<URI> uri, Duration limit) throws InterruptedException {
        return open(StreamClient.Kind.jdk, n, inFlight, uri, limit);
    }

    /** Opens {@code n} clients of the given kind, {@code uri.apply(i)} each, at most {@code inFlight} at a time. */
    static List<Open> open(StreamClient.Kind kind, int n, int inFlight, IntFunction<URI> uri, Duration limit)
            throws InterruptedException {
        return all(n, inFlight, i -> connect(kind, uri.apply(i)), limit, "open");
    }

    /** Sends a close from each client and waits for the server's answers; returns them. */
    static List<TtyClient.Closed> close(List<Open> clients, int inFlight, Duration limit) throws InterruptedException {
        return all(clients.size(), inFlight, i -> clients.get(i).client().closeAsync(), limit, "close");
    }

    /** Types the same text into each client (all sends in flight at once). */
    static void typeAll(List<Open> clients, String text) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (Open c : clients) {
            sent.add(c.client().input(text));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
    }

    /**
     * Waits (bounded) until each client's whole output is {@code expected}; returns how many
     * clients got anything else (fewer, more or other bytes), printing the first few.
     */
    static int awaitOutput(List<Open> clients, String expected, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int wrong = 0;
        for (Open c : clients) {
            String got = c.output().await(expected.length(), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (!got.equals(expected)) {
                if (wrong++ < 3) {
                    System.out.println("client of " + c.handle() + ": expected output " + StreamCheck.printable(expected)
                            + ", got " + StreamCheck.printable(got));
                }
            }
        }
        return wrong;
    }

    /** Waits (bounded) for every client to be closed by the server; returns how many were not with {@code code reason}. */
    static int awaitClosed(List<Open> clients, int code, String reason, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        int wrong = 0;
        for (Open c : clients) {
            long left = Math.max(1, deadline - System.nanoTime());
            TtyClient.Closed closed = c.client().closed().completeOnTimeout(new TtyClient.Closed(-1, "not closed in time"),
                    left, TimeUnit.NANOSECONDS).join();
            if (closed.code() != code || !closed.reason().equals(reason)) {
                if (wrong++ < 3) {
                    System.out.println("client of " + c.handle() + " closed with " + closed + ", expected " + code + " " + reason);
                }
            }
        }
        return wrong;
    }

    /** Runs {@code n} asynchronous tasks, at most {@code inFlight} at once; all must succeed. */
    static <T> List<T> all(int n, int inFlight, IntFunction<CompletableFuture<T>> task, Duration limit, String what)
            throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        List<CompletableFuture<T>> all = new ArrayList<>(n);
        long deadline = System.nanoTime() + limit.toNanos();
        for (int i = 0; i < n; i++) {
            if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException(what + ": only " + i + " of " + n + " started within " + limit);
            }
            CompletableFuture<T> f = task.apply(i).orTimeout(EACH.toSeconds(), TimeUnit.SECONDS);
            f.whenComplete((r, e) -> permits.release());
            all.add(f);
        }
        List<T> results = new ArrayList<>(n);
        int failed = 0;
        Throwable first = null;
        for (CompletableFuture<T> f : all) {
            try {
                results.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (Exception e) {
                failed++;
                first = first == null ? e : first;
                results.add(null);
            }
        }
        if (failed > 0) {
            throw new IllegalStateException(what + ": " + failed + " of " + n + " failed; the first: " + first, first);
        }
        return results;
    }
}
