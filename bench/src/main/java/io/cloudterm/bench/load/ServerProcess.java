package io.cloudterm.bench.load;

import io.cloudterm.bench.ServerOutput;
import java.io.IOException;
import java.net.URI;
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
    private final Deque<String> lastLines;
    /** Every process seen under the server, checked again once the server has stopped. */
    private final Set<Proc.Child> seen = new HashSet<>();
    private final boolean gc;
    private final Thread killOnExit;
    /** The server's fds by kind at the last reading, to say which are left over if the count is not back. */
    private volatile Map<String, Integer> fdKinds = Map.of();

    private ServerProcess(Process process, List<String> command, int port, boolean gc, Deque<String> lastLines) {
        this.process = process;
        this.lastLines = lastLines;
        this.command = command;
        this.ws = URI.create("ws://127.0.0.1:" + port + "/ws");
        this.gc = gc;
        this.killOnExit = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** A memory reading: the server's RSS after a full GC (when asked), its heap in use, threads, fds. */
    record Reading(String label, long rssKb, long heapKb, int threads, int fds, int children) {
    }

    /** What was left once the clients had gone and the server was stopped. */
    record Cleanup(int fdsBefore, int fdsAfter, int childrenLeft, int processesStarted, int leftRunning, int exitStatus) {
        boolean clean() {
            return fdsAfter <= fdsBefore && childrenLeft == 0 && leftRunning == 0;
        }
    }

    static ServerProcess start(ServerSpec spec, List<String> serverOptions, List<String> terminalCommand) throws IOException {
        List<String> command = spec.command(serverOptions, terminalCommand);
        Process p = new ProcessBuilder(command).start();
        Deque<String> lines = new ArrayDeque<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        ServerOutput.drain(p.getInputStream(), "stdout", port, lines);
        ServerOutput.drain(p.getErrorStream(), "stderr", port, lines);
        try {
            return new ServerProcess(p, command, port.get(60, TimeUnit.SECONDS), spec.gc, lines);
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

    /** {@code ws://.../ws?t=HANDLE}: reattaches to that terminal. */
    URI ws(String handle) {
        return URI.create(ws + "?t=" + handle);
    }

    List<String> command() {
        return command;
    }

    /** The server's open fds now (their kinds remembered, for the check at the end). */
    int fds() {
        fdKinds = Proc.fdKinds(pid());
        return Proc.fds(pid());
    }

    /** Reads RSS, heap, threads, fds and children, after a full GC unless --no-gc. */
    Reading read(String label) {
        if (gc) {
            Proc.gc(pid());
        }
        long heap = gc ? Proc.heapUsedKb(pid()) : -1;
        fds();
        Proc.Usage u = Proc.usage(pid());
        int children = children().size();
        return new Reading(label, u.rssKb(), heap, u.threads(), u.fds(), children);
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
     * and holds no more fds than before, then stops it and checks nothing it started runs on.
     */
    Cleanup finish(int fdsBefore) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<Proc.Child> left = children();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = children();
        }
        int fds = Proc.fds(pid());
        long fdDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fds > fdsBefore && System.nanoTime() < fdDeadline) {
            Thread.sleep(100);
            fds = Proc.fds(pid());
        }
        if (fds > fdsBefore) {
            System.out.println("server fds NOT BACK: " + fdsBefore + " -> " + fds + "; by kind, at the baseline reading "
                    + fdKinds + ", now " + Proc.fdKinds(pid()));
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
        return new Cleanup(fdsBefore, fds, left.size(), started, running.size(), status);
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
