package io.cloudterm.bench.load;

import io.cloudterm.bench.ServerOutput;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A CloudTerm server as its own process: started from the jar (or a class path), read through
 * {@code /proc}, and stopped with a check that every process it started is gone.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final List<String> command;
    private final URI ws;
    private final CompletableFuture<String> accessToken;
    private final Deque<String> lastLines;
    /** Every process seen under the server, checked again once the server has stopped. */
    private final Set<Proc.Child> seen = new HashSet<>();
    /** Kinds of fd kept in a pool of the server's (see {@link #keeps}). */
    private final Set<String> kept = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final boolean gc;
    private final boolean settle;
    private final Thread killOnExit;
    /** The server's fds by kind at the baseline, to say which are left over if the count is not back. */
    private volatile Map<String, Integer> fdKinds = Map.of();

    private ServerProcess(Process process, List<String> command, URI address, CompletableFuture<String> accessToken, boolean gc,
                          boolean settle, Deque<String> lastLines) {
        this.process = process;
        this.lastLines = lastLines;
        this.command = command;
        this.ws = URI.create("ws://" + address.getRawAuthority() + "/ws");
        this.accessToken = accessToken;
        this.gc = gc;
        this.settle = settle;
        this.killOnExit = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** A memory reading: the server's RSS after a full GC (when asked), its heap in use, threads, fds. */
    record Reading(String label, long rssKb, long rssFileKb, long heapKb, Proc.JavaHeap javaHeap, int threads, int fds, int children) {

        /** The RSS outside the Java heap's address range (-1 when that range is not known). */
        long rssOutsideHeapKb() {
            return javaHeap == null ? -1 : rssKb - javaHeap.residentKb();
        }
    }

    /**
     * What was left once the clients had gone and the server was stopped. {@code fdsLeaked} counts
     * the fds of the kinds a terminal or connection holds (ptys, pidfds, sockets, pipes...) above
     * the baseline; epoll and eventfd instances are left out, as the JDK's and the native layer's
     * pollers are created lazily once, as load spreads over carrier threads.
     */
    record Cleanup(int fdsBefore, int fdsAfter, int fdsLeaked, int childrenLeft, int processesStarted, int leftRunning,
                   int exitStatus) {
    }

    /** The period of HotSpot's task that frees the pooled arena chunks ({@code ChunkPoolCleaner}). */
    private static final Duration ARENA_CLEANER = Duration.ofSeconds(5);

    /**
     * Fds the JVM opens lazily, once, and keeps: the pollers, and the random devices the first
     * SecureRandom (a terminal's first handle) opens; a fresh server has none of them yet.
     */
    private static final java.util.Set<String> POLLERS = java.util.Set.of("anon_inode:[eventpoll]", "anon_inode:[eventfd]",
            "/dev/random", "/dev/urandom");

    static ServerProcess start(ServerSpec spec, List<String> serverOptions, List<String> terminalCommand) throws IOException {
        return start(spec, spec.command(serverOptions, terminalCommand));
    }

    /** A server (a terminal server or a gateway) started with exactly {@code command}, once it says where it serves. */
    static ServerProcess start(ServerSpec spec, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).start();
        Deque<String> lines = new ArrayDeque<>();
        CompletableFuture<URI> address = new CompletableFuture<>();
        CompletableFuture<String> token = new CompletableFuture<>();
        ServerOutput.drain(p.getInputStream(), "stdout", address, token, lines);
        ServerOutput.drain(p.getErrorStream(), "stderr", address, token, lines);
        try {
            return new ServerProcess(p, command, address.get(60, TimeUnit.SECONDS), token, !spec.noGc, !spec.noSettle, lines);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("the server did not start: " + String.join(" ", command) + "\n" + lines, e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    long pid() {
        return process.pid();
    }

    URI ws() {
        return ws;
    }

    /** The access token from the login URL the server printed (it prints it just after its address; waited for, bounded). */
    String accessToken() {
        try {
            return accessToken.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the server printed no login URL with an access token: " + lastLines(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code ws://.../ws?t=HANDLE}: reattaches to that terminal. */
    URI ws(String handle) {
        return URI.create(ws + "?t=" + handle);
    }

    List<String> command() {
        return command;
    }

    /**
     * Fds of {@code kind} that this server keeps in a bounded pool between uses (a splicing
     * gateway's pipes): like the pollers, not counted as left over when more are open at the end
     * than at the baseline; {@code why} is printed once.
     */
    void keeps(String kind, String why) {
        kept.add(kind);
        System.out.println("server pid " + pid() + ": " + kind + " fds above the baseline at the end are not counted as left over: " + why);
    }

    /** The server's open fds now, remembered by kind as the baseline that {@link #finish} checks against. */
    int baseline() {
        fdKinds = Proc.fdKinds(pid());
        return fdKinds.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Reads RSS, heap, threads, fds and children, after a full GC unless --no-gc. Unless
     * --no-settle, a reading first waits (30 s at most) for the server to go quiet, and after the
     * GC for longer than {@link #ARENA_CLEANER} as well: right after a burst the JIT is still
     * compiling it, and its compilers' arenas (NMT's "Arena Chunk", up to 20 MB here) go back to a
     * pool that HotSpot frees only every 5 s. That memory is the JIT's, for a moment; no terminal
     * or connection holds it, and a reading that caught it moved by up to 4.7 KB per terminal.
     */
    Reading read(String label) {
        if (gc) {
            if (settle) {
                Proc.awaitQuiet(pid(), Duration.ofSeconds(30));
            }
            Proc.gc(pid(), settle ? ARENA_CLEANER.plusMillis(500) : Duration.ofSeconds(2));
        }
        long heap = gc ? Proc.heapUsedKb(pid()) : -1;
        Proc.Usage u = Proc.usage(pid());
        Proc.JavaHeap javaHeap = Proc.javaHeap(pid());
        int children = children().size();
        return new Reading(label, u.rssKb(), u.rssFileKb(), heap, javaHeap, u.threads(), u.fds(), children);
    }

    /**
     * The RSS a user sees: once the server has gone quiet (unless --no-settle), no GC asked for,
     * nothing trimmed.
     */
    long plainRssKb() {
        if (settle) {
            Proc.awaitQuiet(pid(), Duration.ofSeconds(30));
        }
        return Proc.usage(pid()).rssKb();
    }

    /** The processes under the server now (and remembered, for the check after it stops). */
    List<Proc.Child> children() {
        List<Proc.Child> now = Proc.descendants(pid());
        synchronized (seen) {
            // Identity is pid and start time: the state and parent change, so they are left out.
            now.forEach(c -> seen.add(new Proc.Child(c.pid(), 0, c.name(), false, c.start())));
        }
        return now;
    }

    /**
     * Once every client has gone: waits (bounded) until the server has reaped all its children
     * and holds no more fds than at the {@link #baseline}, then stops it and checks nothing it
     * started runs on.
     */
    Cleanup finish() throws InterruptedException {
        Map<String, Integer> before = fdKinds;
        int fdsBefore = before.values().stream().mapToInt(Integer::intValue).sum();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<Proc.Child> left = children();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = children();
        }
        Map<String, Integer> now = Proc.fdKinds(pid());
        long fdDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (leaked(before, now, kept) > 0 && System.nanoTime() < fdDeadline) {
            Thread.sleep(100);
            now = Proc.fdKinds(pid());
        }
        int fds = now.values().stream().mapToInt(Integer::intValue).sum();
        int leaked = leaked(before, now, kept);
        if (!now.equals(before)) {
            System.out.println("server fds " + fdsBefore + " -> " + fds + (leaked > 0 ? ", NOT BACK" : "") + "; changed kinds: "
                    + changes(before, now));
        }
        if (!left.isEmpty()) {
            System.out.println("NOT REAPED 30 s after the last client left: " + left.subList(0, Math.min(5, left.size())));
        }
        int status = stop();
        List<Proc.Child> running = new ArrayList<>();
        long runDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        do {
            running.clear();
            synchronized (seen) {
                seen.stream().filter(Proc::running).forEach(running::add);
            }
            if (!running.isEmpty()) {
                Thread.sleep(200);
            }
        } while (!running.isEmpty() && System.nanoTime() < runDeadline);
        if (!running.isEmpty()) {
            System.out.println("LEFT RUNNING after the server stopped, killed now: " + running);
            // Only processes verified to be the server's own (pid and start time): a pid seen earlier
            // may belong to someone else by now.
            running.stream().filter(Proc::running)
                    .forEach(c -> ProcessHandle.of(c.pid()).ifPresent(ProcessHandle::destroyForcibly));
        }
        int started;
        synchronized (seen) {
            started = seen.size();
        }
        return new Cleanup(fdsBefore, fds, leaked, left.size(), started, running.size(), status);
    }

    /** Fds above the baseline, pollers left out. */
    private static int leaked(Map<String, Integer> before, Map<String, Integer> now, Set<String> kept) {
        int leaked = 0;
        for (var e : now.entrySet()) {
            if (!POLLERS.contains(e.getKey()) && !kept.contains(e.getKey())) {
                leaked += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0));
            }
        }
        return leaked;
    }

    private static String changes(Map<String, Integer> before, Map<String, Integer> now) {
        Map<String, String> changed = new java.util.TreeMap<>();
        java.util.Set<String> kinds = new java.util.TreeSet<>(before.keySet());
        kinds.addAll(now.keySet());
        for (String k : kinds) {
            int a = before.getOrDefault(k, 0), b = now.getOrDefault(k, 0);
            if (a != b) {
                changed.put(k, a + " -> " + b);
            }
        }
        return changed.toString();
    }

    /** Waits (bounded) until the server has no children, e.g. before a baseline reading after a warm-up. */
    void settle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!children().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(200); // the pty and pidfd are closed just after the child is reaped
    }

    /** SIGTERM, then SIGKILL after 30 s; the exit status. */
    private int stop() throws InterruptedException {
        children();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            System.out.println("the server did not stop within 30 s of SIGTERM: SIGKILL");
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        Runtime.getRuntime().removeShutdownHook(killOnExit);
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** The server's last lines of output, for an error message. */
    String lastLines() {
        synchronized (lastLines) {
            return String.join("\n", lastLines);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }
}
