package io.cloudterm.bench;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of N detached terminals (default 1,000), server process only: a real CloudTerm
 * server is started as a separate process ({@code java -jar cloudterm.jar --port 0 --no-auth
 * --keep-alive 3600 ... -- sh}), and its RSS ({@code VmRSS} of {@code /proc/PID/status}), thread
 * count and open fds are read
 * <ol>
 * <li>after a warm-up of 10 terminals opened and ended ("before"),
 * <li>after N terminals were opened over WebSocket (JSON_DATA, TERMINAL_INFO, the shell's prompt)
 * and every connection was closed, so that all N live on detached with an almost empty scrollback
 * ("empty"),
 * <li>after every one of them, still detached, printed {@code seq 1 100000} (588,895 bytes; 688,895
 * with the pty's CR LF) into its scrollback ("full"). The output is set up before detaching
 * ({@code (: < FIFO; seq 1 100000) &} typed into each shell, blocked on opening a named pipe) and
 * released for all at once by opening that pipe for writing once nobody is attached. Each
 * scrollback may keep 1 MiB on its own, but all of them share one global budget of 256 MiB of
 * off-heap pages, so at N=1,000 about 256 KiB each is what is kept, and the figure is bounded by
 * the budget, not by N times 689 KB.
 * </ol>
 * Before each reading the server is asked for a full GC ({@code jcmd PID GC.run}), so that the
 * figures do not depend on when G1 last collected; the heap in use (from {@code GC.heap_info}) is
 * printed next to the RSS. Then 10 handles are reattached ({@code /ws?t=HANDLE}) to check that they
 * are alive: TERMINAL_INFO must say {@code "reattached":true} and the replayed output must hold
 * {@code 100000}. Finally the server is stopped (SIGTERM, then SIGKILL after 60 s) and every shell
 * it had started must be gone.
 *
 * <p>The pty limit: each terminal holds one pty, and {@code /proc/sys/kernel/pty/max} (4096 on the
 * machine this was written on) caps the terminals of the whole machine.
 *
 * <p>Loopback only; every wait is bounded. Run from the repository root after
 * {@code ./mvnw -q -DskipTests package} (or with {@code -Dbuild.dir=DIR}), with a JDK 22+ as
 * {@code java}; the server is started with the same {@code java}:
 * {@code java -cp 'target/classes:target/libs/*' bench/src/main/java/io/cloudterm/bench/DetachedTerminalsBench.java [N] [JAR]}
 * where JAR defaults to {@code target/cloudterm.jar}, e.g. with a build in /tmp/mem-build:
 * {@code java -cp '/tmp/mem-build/classes:/tmp/mem-build/libs/*' bench/src/main/java/io/cloudterm/bench/DetachedTerminalsBench.java 1000 /tmp/mem-build/cloudterm.jar}.
 * Extra JVM options for the server: {@code -Dbench.serverOpts="-Xmx512m ..."} (none by default).
 */
public final class DetachedTerminalsBench {

    private static final int WARM_UP = 10;
    private static final int SAMPLE = 10;
    private static final int PARALLEL_OPENS = 16;
    private static final int SEQ_TO = 100_000;
    private static final Pattern HANDLE = Pattern.compile("\"terminal\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern HEAP_USED = Pattern.compile("garbage-first heap\\s+total (?:reserved )?(\\d+)K, (?:committed \\d+K, )?used (\\d+)K");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path jar = Path.of(args.length > 1 ? args[1] : "target/cloudterm.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no " + jar + ": build first, or give the jar as the second argument");
        }
        Path javaHome = Path.of(System.getProperty("java.home"));
        String java = javaHome.resolve("bin/java").toString();
        Path jcmd = javaHome.resolve("bin/jcmd");
        Path work = Files.createTempDirectory("cloudterm-detached");
        Path fifo = work.resolve("go");
        run(List.of("mkfifo", fifo.toString()));

        List<String> command = new ArrayList<>(List.of(java));
        String serverOpts = System.getProperty("bench.serverOpts", "").trim();
        if (!serverOpts.isEmpty()) {
            command.addAll(List.of(serverOpts.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString(), "--port", "0", "--no-auth", "--keep-alive", "3600",
                "--max-terminals", String.valueOf(n + WARM_UP), "--max-terminals-per-user", String.valueOf(n + WARM_UP),
                "--", "sh"));
        System.out.println("server: " + String.join(" ", command));
        Process server = new ProcessBuilder(command).directory(work.toFile()).start();
        long pid = server.pid();
        Thread stopServer = new Thread(server::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(stopServer);
        Set<Long> shells = new TreeSet<>();
        Deque<String> lastLines = new ArrayDeque<>();
        boolean ok = false;
        try {
            CompletableFuture<Integer> port = new CompletableFuture<>();
            ServerOutput.drain(server.getInputStream(), "stdout", port, lastLines);
            ServerOutput.drain(server.getErrorStream(), "stderr", port, lastLines);
            int p = port.get(60, TimeUnit.SECONDS);
            URI ws = URI.create("ws://127.0.0.1:" + p + "/ws");
            System.out.printf("server pid %d on port %d; N = %d; pty max %s%n", pid, p, n, ptyMax());

            // Warm-up: open, type exit, see it end.
            for (int i = 0; i < WARM_UP; i++) {
                Conn c = Conn.open(ws);
                c.awaitOutput(Duration.ofSeconds(20));
                c.input("exit\n");
                c.awaitClose(Duration.ofSeconds(20));
            }
            Thread.sleep(2000);
            Reading before = read(pid, jcmd, "before (after warm-up)");

            // N terminals: open, type the held-back output job, detach.
            String job = "(: < " + fifo + "; seq 1 " + SEQ_TO + ") &\n";
            String[] handles = new String[n];
            long start = System.nanoTime();
            parallel(n, PARALLEL_OPENS, i -> {
                Conn c = Conn.open(ws);
                handles[i] = c.handle(Duration.ofSeconds(30));
                c.awaitOutput(Duration.ofSeconds(30));
                return null;
            }, "open");
            double openSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("opened %d terminals in %.1f s (%d at a time)%n", n, openSeconds, PARALLEL_OPENS);
            // Typed only now, once all are open, so the open time is the open time alone.
            List<Conn> open = Conn.all();
            parallel(open.size(), PARALLEL_OPENS, i -> {
                Conn c = open.get(i);
                if (c.handle != null) {
                    c.input(job);
                    c.awaitText("seq 1 " + SEQ_TO, Duration.ofSeconds(30));
                    c.close();
                }
                return null;
            }, "type and detach");
            shells.addAll(descendants(pid, "sh"));
            long terminals = shells.stream().filter(shell -> ProcessHandle.of(shell).flatMap(ProcessHandle::parent)
                    .map(ProcessHandle::pid).orElse(-1L) == pid).count();
            Thread.sleep(5000);
            Reading empty = read(pid, jcmd, "detached, empty scrollback");
            
            // Release the output of all N at once, while nobody is attached.
            long fillStart = System.nanoTime();
            try (FileOutputStream go = new FileOutputStream(fifo.toFile())) {
                go.write(new byte[0]);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            int seqs;
            do {
                Thread.sleep(1000);
                seqs = runningJobs(pid);
            } while (seqs > 0 && System.nanoTime() < deadline);
            double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
            System.out.printf("output of %d detached terminals done in %.1f s%s%n", n, fillSeconds,
                    seqs > 0 ? " (NOT DONE: " + seqs + " still running)" : "");
            awaitQuietCpu(pid, Duration.ofSeconds(60));
            Thread.sleep(3000);
            Reading full = read(pid, jcmd, "detached, full scrollback");

            // A sample reattaches.
            int alive = 0;
            for (int k = 0; k < SAMPLE; k++) {
                String handle = handles[(int) ((long) k * n / SAMPLE)];
                Conn c = Conn.open(URI.create(ws + "?t=" + handle));
                String info = c.info(Duration.ofSeconds(20));
                boolean reattached = info.contains("\"reattached\":true");
                boolean replayed = c.awaitTextOrFalse(SEQ_TO + "\r\n", Duration.ofSeconds(20));
                System.out.printf("  reattach %s: %s, %d bytes replayed, %s%n", handle, reattached ? "reattached:true" : "NOT reattached (" + info + ")",
                        c.outputBytes(), replayed ? "holds " + SEQ_TO : "NO " + SEQ_TO);
                if (reattached && replayed) {
                    alive++;
                }
                c.close();
            }

            System.out.println();
            System.out.printf("N = %d detached terminals of `sh`, default scrollback (1 MiB each, 256 MiB global budget, off-heap)%n", n);
            System.out.printf("open all N: %.1f s (%.1f ms each, %d at a time)%n", openSeconds, openSeconds * 1000 / n, PARALLEL_OPENS);
            System.out.printf("%-30s %10s %10s %9s %7s %7s%n", "", "RSS MB", "heap MB", "KB/term", "threads", "fds");
            for (Reading r : List.of(before, empty, full)) {
                String perTerminal = r == before ? "" : String.format("%.1f", (r.rssKb - before.rssKb) / (double) n);
                System.out.printf("%-30s %10.1f %10.1f %9s %7d %7d%n", r.label, r.rssKb / 1024.0, r.heapUsedKb / 1024.0,
                        perTerminal, r.threads, r.fds);
            }
            System.out.printf("full scrollback: each terminal printed %d lines (%,d bytes with CR LF), %,d MB in all;"
                    + " the 256 MiB budget keeps at most %.0f KiB each at N = %d (or its own 1 MiB cap, whichever is less),"
                    + " so the scrollback adds at most 256 MiB however large N is%n",
                    SEQ_TO, seqBytes(), (long) n * seqBytes() / 1_000_000, Math.min(1024.0, 256.0 * 1024 / n), n);
            System.out.printf("scrollback alone: %.1f KB per terminal ((full - empty) / N)%n", (full.rssKb - empty.rssKb) / (double) n);
            System.out.printf("terminal shells of the server: %d (and %d output jobs waiting on the pipe); sample reattached alive with replayed output: %d/%d%n",
                    terminals, shells.size() - terminals, alive, SAMPLE);
            System.out.printf("pty limit: /proc/sys/kernel/pty/max = %s ptys for the whole machine, one per terminal%n", ptyMax());
            ok = alive == SAMPLE;
        } finally {
            long stopStart = System.nanoTime();
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                System.out.println("server did not stop within 60 s of SIGTERM: SIGKILL");
                server.destroyForcibly();
                server.waitFor(30, TimeUnit.SECONDS);
            }
            System.out.printf("server exited %s in %.1f s after SIGTERM%n",
                    server.isAlive() ? "NOT" : "(status " + server.exitValue() + ")", (System.nanoTime() - stopStart) / 1e9);
            // What the server left behind (its children are re-parented once it is gone): give
            // them up to 15 s, as a hung-up shell may still be on its way out.
            List<Long> left = new ArrayList<>();
            long leftDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            do {
                left.clear();
                for (long shell : shells) {
                    if (isRunning(shell)) {
                        left.add(shell);
                    }
                }
                if (!left.isEmpty()) {
                    Thread.sleep(500);
                }
            } while (!left.isEmpty() && System.nanoTime() < leftDeadline);
            if (left.isEmpty()) {
                // The output jobs' seq processes exited long ago but their shells never waited for
                // them; re-parented to init, they are zombies until init reaps them.
                int zombies;
                long reapDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while ((zombies = (int) shells.stream().filter(DetachedTerminalsBench::exists).count()) > 0
                        && System.nanoTime() < reapDeadline) {
                    Thread.sleep(500);
                }
                System.out.println("no process of the server left running: all " + shells.size() + " shells and jobs gone"
                        + (zombies > 0 ? " (" + zombies + " zombies not yet reaped by init after 15 s)" : ", all reaped"));
            } else {
                System.out.println("LEFT OVER 15 s after the server stopped: " + left.size() + " processes, e.g. "
                        + describe(left.subList(0, Math.min(5, left.size()))) + "; killing them");
                synchronized (lastLines) {
                    lastLines.forEach(line -> System.out.println("  server " + line));
                }
                for (long orphan : left) {
                    ProcessHandle.of(orphan).ifPresent(ProcessHandle::destroyForcibly);
                }
                ok = false;
            }
            Runtime.getRuntime().removeShutdownHook(stopServer);
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(work);
        }
        System.exit(ok ? 0 : 1);
    }

    /** Bytes of {@code seq 1 SEQ_TO} on a pty: digits plus CR LF per line. */
    private static long seqBytes() {
        long bytes = 0;
        for (long i = 1; i <= SEQ_TO; i++) {
            bytes += Long.toString(i).length() + 2;
        }
        return bytes;
    }

    interface Task {
        Void call(int i) throws Exception;
    }

    private static void parallel(int count, int width, Task task, String what) throws Exception {
        Semaphore permits = new Semaphore(width);
        List<Future<Void>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                int index = i;
                permits.acquire();
                futures.add(pool.submit(() -> {
                    try {
                        return task.call(index);
                    } finally {
                        permits.release();
                    }
                }));
            }
            int failed = 0;
            for (Future<Void> f : futures) {
                try {
                    f.get(120, TimeUnit.SECONDS);
                } catch (Exception e) {
                    if (failed++ < 3) {
                        System.out.println(what + " failed: " + e);
                    }
                }
            }
            if (failed > 0) {
                throw new IllegalStateException(what + ": " + failed + " of " + count + " failed");
            }
        }
    }

    record Reading(String label, long rssKb, long heapUsedKb, int threads, int fds) {
    }

    private static Reading read(long pid, Path jcmd, String label) throws Exception {
        long heapUsed = -1;
        if (Files.isExecutable(jcmd)) {
            run(List.of(jcmd.toString(), Long.toString(pid), "GC.run"));
            Thread.sleep(1000);
            Matcher m = HEAP_USED.matcher(run(List.of(jcmd.toString(), Long.toString(pid), "GC.heap_info")));
            if (m.find()) {
                heapUsed = Long.parseLong(m.group(2));
            }
        }
        long rss = 0;
        int threads = 0;
        for (String line : procFile(Path.of("/proc/" + pid + "/status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.replaceAll("\\D", ""));
            }
        }
        int fds;
        try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = (int) list.count();
        }
        Reading r = new Reading(label, rss, heapUsed, threads, fds);
        System.out.printf("%s: RSS %.1f MB, heap used %.1f MB, %d threads, %d fds%n", label, rss / 1024.0, heapUsed / 1024.0, threads, fds);
        return r;
    }

    /** Waits until the server's CPU time stops growing (under 2% of a CPU over 2 s), bounded. */
    private static void awaitQuietCpu(long pid, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        long last = cpuTicks(pid);
        while (System.nanoTime() < deadline) {
            Thread.sleep(2000);
            long now = cpuTicks(pid);
            if (now - last <= 4) {
                return;
            }
            last = now;
        }
        System.out.println("server CPU still busy after " + limit);
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = procFile(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Processes under {@code root} (any depth) whose name is {@code name} (any when null); zombies left out. */
    private static List<Long> descendants(long root, String name) {
        Map<Long, List<Long>> children = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        Set<Long> zombies = new TreeSet<>();
        try (var list = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) list::iterator) {
                String base = dir.getFileName().toString();
                if (!base.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = procFile(dir.resolve("stat"));
                    int open = stat.indexOf('('), close = stat.lastIndexOf(')');
                    String[] fields = stat.substring(close + 2).split(" ");
                    long id = Long.parseLong(base);
                    names.put(id, stat.substring(open + 1, close));
                    if (fields[0].equals("Z")) {
                        zombies.add(id);
                    }
                    children.computeIfAbsent(Long.parseLong(fields[1]), k -> new ArrayList<>()).add(id);
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<Long> found = new ArrayList<>();
        Deque<Long> todo = new ArrayDeque<>(children.getOrDefault(root, List.of()));
        while (!todo.isEmpty()) {
            long id = todo.pop();
            if ((name == null || name.equals(names.get(id))) && !zombies.contains(id)) {
                found.add(id);
            }
            todo.addAll(children.getOrDefault(id, List.of()));
        }
        return found;
    }

    /** Running output jobs: a live {@code seq}, or a {@code ( ... ) &} subshell (an {@code sh} under a shell). */
    private static int runningJobs(long server) {
        int jobs = descendants(server, "seq").size();
        for (long shell : descendants(server, "sh")) {
            if (ProcessHandle.of(shell).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(server) != server) {
                jobs++;
            }
        }
        return jobs;
    }

    /** A /proc file whole (Files.readString trusts the size of 0 that /proc reports, and may stop short). */
    private static String procFile(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Alive and not a zombie (a zombie is gone but for its parent's wait). */
    private static boolean isRunning(long pid) {
        try {
            String stat = procFile(Path.of("/proc/" + pid + "/stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return false;
        }
    }

    private static boolean exists(long pid) {
        return Files.exists(Path.of("/proc/" + pid));
    }

    private static String describe(List<Long> pids) {
        List<String> out = new ArrayList<>();
        for (long pid : pids) {
            try {
                String stat = procFile(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out.add(pid + stat.substring(stat.indexOf('('), stat.lastIndexOf(')') + 1) + " state " + fields[0] + " ppid " + fields[1]);
            } catch (IOException gone) {
                out.add(pid + " gone");
            }
        }
        return out.toString();
    }

    private static String ptyMax() {
        try {
            return procFile(Path.of("/proc/sys/kernel/pty/max")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** One ttyd-protocol connection: keeps TERMINAL_INFO and the last 64 KiB of OUTPUT. */
    static final class Conn implements WebSocket.Listener {

        private static final List<Conn> ALL = Collections.synchronizedList(new ArrayList<>());
        private static final int KEEP = 64 << 10;

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final StringBuilder output = new StringBuilder();
        private final ByteArrayBuilder message = new ByteArrayBuilder();
        private long outputBytes;
        private String info;
        private String handle;
        private boolean closed;
        private WebSocket socket;

        static Conn open(URI uri) {
            Conn c = new Conn();
            c.socket = HTTP.newWebSocketBuilder().subprotocols("tty").connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(uri, c).orTimeout(20, TimeUnit.SECONDS).join();
            c.send("{\"AuthToken\":\"\",\"columns\":80,\"rows\":24}".getBytes(StandardCharsets.UTF_8));
            ALL.add(c);
            return c;
        }

        static List<Conn> all() {
            synchronized (ALL) {
                return List.copyOf(ALL);
            }
        }

        void send(byte[] bytes) {
            socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(20, TimeUnit.SECONDS).join();
        }

        void input(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            byte[] m = new byte[bytes.length + 1];
            m[0] = '0';
            System.arraycopy(bytes, 0, m, 1, bytes.length);
            send(m);
        }

        void close() {
            ALL.remove(this);
            if (!socket.isOutputClosed()) {
                try {
                    socket.sendClose(WebSocket.NORMAL_CLOSURE, "detach").orTimeout(10, TimeUnit.SECONDS).join();
                } catch (RuntimeException e) {
                    socket.abort();
                }
            }
        }

        String info(Duration timeout) throws InterruptedException {
            await(() -> info != null, timeout, "TERMINAL_INFO");
            return info;
        }

        String handle(Duration timeout) throws InterruptedException {
            info(timeout);
            Matcher m = HANDLE.matcher(info);
            if (!m.find()) {
                throw new IllegalStateException("no handle in " + info);
            }
            handle = m.group(1);
            return handle;
        }

        void awaitOutput(Duration timeout) throws InterruptedException {
            await(() -> outputBytes > 0, timeout, "first OUTPUT");
        }

        void awaitText(String text, Duration timeout) throws InterruptedException {
            await(() -> output.indexOf(text) >= 0, timeout, "'" + text + "'");
        }

        boolean awaitTextOrFalse(String text, Duration timeout) throws InterruptedException {
            try {
                awaitText(text, timeout);
                return true;
            } catch (IllegalStateException e) {
                return false;
            }
        }

        void awaitClose(Duration timeout) throws InterruptedException {
            await(() -> closed, timeout, "close");
            ALL.remove(this);
        }

        long outputBytes() {
            lock.lock();
            try {
                return outputBytes;
            } finally {
                lock.unlock();
            }
        }

        private void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            lock.lock();
            try {
                while (!condition.getAsBoolean()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || closed && !what.equals("close")) {
                        throw new IllegalStateException("no " + what + " within " + timeout + (closed ? " (closed)" : "")
                                + "; output: " + output.substring(Math.max(0, output.length() - 300)));
                    }
                    changed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            received(bytes, last);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            received(data.toString().getBytes(StandardCharsets.UTF_8), last);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended();
        }

        private void ended() {
            lock.lock();
            try {
                closed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void received(byte[] bytes, boolean last) {
            lock.lock();
            try {
                message.add(bytes);
                if (!last) {
                    return;
                }
                byte[] m = message.take();
                if (m.length > 0 && m[0] == '0') {
                    outputBytes += m.length - 1;
                    output.append(new String(m, 1, m.length - 1, StandardCharsets.ISO_8859_1));
                    if (output.length() > 2 * KEEP) {
                        output.delete(0, output.length() - KEEP);
                    }
                } else if (m.length > 0 && m[0] == '3') {
                    info = new String(m, 1, m.length - 1, StandardCharsets.UTF_8);
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Fragments of one message. */
    static final class ByteArrayBuilder {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        void add(byte[] b) {
            bytes.writeBytes(b);
        }

        byte[] take() {
            byte[] all = bytes.toByteArray();
            bytes.reset();
            return all;
        }
    }
}
