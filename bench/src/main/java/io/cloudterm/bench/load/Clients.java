package io.cloudterm.bench.load;

import io.cloudterm.client.TtyClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Many clients at once, opened and closed asynchronously with a bound on how many are in flight,
 * each with its OUTPUT kept in a {@link Transcript}: a virtual thread per connection, reading into
 * a small buffer ({@link #SMALL_BUFFER}).
 */
final class Clients {

    private static final Duration EACH = Duration.ofSeconds(60);
    /** Read buffer sizes: for a few clients streaming much output, and for many with little each. */
    static final int STREAM_BUFFER = 256 * 1024, SMALL_BUFFER = 8 * 1024;
    /** Where clients connect when many are opened at once: the opener blocks, not the caller. */
    private static final ExecutorService CONNECTS = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("tty-connect-", 0).factory());

    private Clients() {
    }

    /** A client whose terminal has said who it is (TERMINAL_INFO). */
    record Open(TtyClient client, Transcript output, String handle, boolean reattached) {
    }

    /**
     * Connects (bounded) and sends JSON_DATA (80x24, an empty AuthToken: the server runs with
     * --no-auth); OUTPUT goes to {@code output} as it arrives, through a read buffer of {@code readBuffer} bytes.
     */
    static TtyClient open(URI uri, TtyClient.Output output, int readBuffer) {
        return open(Entrance.open(uri), output, readBuffer);
    }

    /** The same through {@code at}: its headers on the upgrade, its token in JSON_DATA. */
    static TtyClient open(Entrance at, TtyClient.Output output, int readBuffer) {
        return at.handshake(at.client().output(output).readBuffer(readBuffer).timeout(Duration.ofSeconds(30)).connect());
    }

    /**
     * One client for a stream as fast as the server sends it: read on a platform thread, so the
     * driver spends on it what a client must (its reads), not the virtual-thread scheduler's
     * spinning, which would take CPU from the server it measures on a small machine.
     */
    static TtyClient openStream(URI uri, TtyClient.Output output) {
        return openStream(Entrance.open(uri), output);
    }

    static TtyClient openStream(Entrance at, TtyClient.Output output) {
        return at.handshake(at.client().output(output).readBuffer(STREAM_BUFFER).platformReader().timeout(Duration.ofSeconds(30))
                .connect());
    }

    /** Connects on a virtual thread of its own and waits for TERMINAL_INFO. */
    static CompletableFuture<Open> connect(URI uri) {
        return connect(Entrance.open(uri));
    }

    static CompletableFuture<Open> connect(Entrance at) {
        Transcript output = new Transcript();
        return CompletableFuture.supplyAsync(() -> open(at, output, SMALL_BUFFER), CONNECTS)
                .thenCompose(c -> c.terminalInfo().thenApply(TtyMessages::terminalInfo).thenApply(
                        info -> new Open(c, output, info.getString("terminal"), info.getBoolean("reattached", false))));
    }

    /** Opens {@code n} clients, {@code uri.apply(i)} each, at most {@code inFlight} at a time. */
    static List<Open> open(int n, int inFlight, IntFunction<URI> uri, Duration limit) throws InterruptedException {
        return all(n, inFlight, i -> connect(uri.apply(i)), limit, "open");
    }

    /** Opens {@code n} clients through {@code at}, at most {@code inFlight} at a time. */
    static List<Open> openAll(int n, int inFlight, Entrance at, Duration limit) throws InterruptedException {
        return all(n, inFlight, i -> connect(at), limit, "open");
    }

    /** Sends a close from each client and waits for the server's answers; returns them. */
    static List<TtyClient.Close> close(List<Open> clients, int inFlight, Duration limit) throws InterruptedException {
        return all(clients.size(), inFlight, i -> clients.get(i).client().closeAsync(), limit, "close");
    }

    /** Types the same text into each client. */
    static void typeAll(List<Open> clients, String text) {
        for (Open c : clients) {
            c.client().input(text);
        }
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
            TtyClient.Close closed = c.client().closed().completeOnTimeout(new TtyClient.Close(-1, "not closed in time"),
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
