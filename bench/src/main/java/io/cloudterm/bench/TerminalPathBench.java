package io.cloudterm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The terminal path of a real CloudTerm server (started as a separate process from the jar:
 * {@code java -jar cloudterm.jar --port 0 --no-auth --keep-alive 0 -- sh}), each figure next to a
 * reference measured in the same run:
 * <ol>
 * <li><b>Throughput.</b> Once the shell's prompt is there, {@code stty -echo} is typed, then
 * {@code head -c BYTES /dev/zero | tr '\0' x; echo; echo E""ND}; the clock runs from sending that
 * command to the arrival of the last {@code x}. The stream has no newline, so the pty adds nothing:
 * exactly BYTES {@code x} must arrive, followed by {@code \r\nEND}. Reported: MB/s (10^6 bytes), the
 * average OUTPUT payload per WebSocket message, and the server JVM's CPU time per GB (utime + stime
 * of {@code /proc/PID/stat}, its own threads only: {@code head} and {@code tr} are not counted;
 * {@code CLK_TCK} = 100). One untimed warm-up run of BYTES/5 comes first. The <i>ceiling</i>: the
 * same command run by python3 on a fresh pty ({@code pty.fork()}), the master read in a plain
 * {@code os.read(fd, 65536)} loop into nothing, timed inside python from the fork to EOF; the ratio
 * is server / ceiling. The server's figure includes the JDK WebSocket client of this program. Each
 * is run 3 times ({@code -Dbench.runs=3}) and the fastest run of each is reported (all are printed).
 * <li><b>Keystroke latency.</b> A fresh terminal runs {@code stty raw -echo; cat}; then 1-byte
 * INPUT messages are sent one at a time, each timed until an OUTPUT message holding that byte is
 * back: 200 warm-up round trips, then 2,000 timed, p50/p90/p99/p99.9/max in microseconds. The
 * <i>floors</i>, same loop, same JDK WebSocket client, same JVM: (a) a hand-written minimal
 * WebSocket echo server in this JVM (a thread per connection, blocking socket, TCP_NODELAY), (b) a
 * plain TCP echo over loopback (a ServerSocket thread echoing each byte, a blocking socket client).
 * </ol>
 * Results are printed as a table and as one JSON line ({@code RESULT {...}}). The server is stopped
 * (SIGTERM, then SIGKILL after 30 s) and nothing it started may be left running.
 *
 * <p>Loopback only; every wait is bounded. JDK classes only. Run from the repository root after
 * {@code ./mvnw -q -DskipTests package} (or with {@code -Dbuild.dir=DIR}), with a JDK 22+ as
 * {@code java}; the server is started with the same {@code java}:
 * {@code java bench/src/main/java/io/cloudterm/bench/TerminalPathBench.java [MB] [JAR]}, MB defaulting
 * to 200 and JAR to {@code target/cloudterm.jar}, e.g.
 * {@code /usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/src/main/java/io/cloudterm/bench/TerminalPathBench.java 200 /tmp/perf-build/cloudterm.jar}.
 * Options: {@code -Dbench.rtt=2000}, {@code -Dbench.rttWarmup=200}, {@code -Dbench.serverOpts="..."}
 * (extra JVM options for the server).
 */
public final class TerminalPathBench {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration STREAM_LIMIT = Duration.ofSeconds(300);
    private static final Duration RTT_LIMIT = Duration.ofSeconds(5);
    /** Timed streams of each kind; the best (fastest) one is reported, as the least disturbed. */
    private static final int RUNS = Integer.getInteger("bench.runs", 3);

    public static void main(String[] args) throws Exception {
        long mb = args.length > 0 ? Long.parseLong(args[0]) : 200;
        long bytes = mb * 1_000_000L;
        Path jar = Path.of(args.length > 1 ? args[1] : "target/cloudterm.jar");
        int rtts = Integer.getInteger("bench.rtt", 2000);
        int rttWarmup = Integer.getInteger("bench.rttWarmup", 200);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no " + jar + ": build first, or give the jar as the second argument");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bytes", bytes);
        json.put("runs", RUNS);
        json.put("cpus", Runtime.getRuntime().availableProcessors());

        // The ceiling first, on a quiet machine.
        python(bytes / 5); // warm-up of the page cache and binaries
        double[] ceiling = null;
        for (int i = 0; i < RUNS; i++) {
            double[] r = python(bytes);
            if (ceiling == null || r[0] < ceiling[0]) {
                ceiling = r;
            }
        }
        double ceilingMBs = bytes / ceiling[0] / 1e6;

        List<String> command = new ArrayList<>(List.of(java));
        String serverOpts = System.getProperty("bench.serverOpts", "").trim();
        if (!serverOpts.isEmpty()) {
            command.addAll(List.of(serverOpts.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString(), "--port", "0", "--no-auth", "--keep-alive", "0", "--", "sh"));
        System.out.println("server: " + String.join(" ", command));
        Process server = new ProcessBuilder(command).start();
        long pid = server.pid();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }));
        Deque<String> lastLines = new ArrayDeque<>();
        long[] rttServer;
        Stream run;
        try {
            CompletableFuture<Integer> port = new CompletableFuture<>();
            ServerOutput.drain(server.getInputStream(), "stdout", port, lastLines);
            ServerOutput.drain(server.getErrorStream(), "stderr", port, lastLines);
            URI ws = URI.create("ws://127.0.0.1:" + port.get(60, TimeUnit.SECONDS) + "/ws");
            System.out.println("server pid " + pid + " at " + ws);

            stream(ws, pid, bytes / 5); // warm-up (JIT, buffers)
            run = null;
            for (int i = 0; i < RUNS; i++) {
                Stream r = stream(ws, pid, bytes);
                if (run == null || r.seconds < run.seconds) {
                    run = r;
                }
            }

            Conn c = Conn.open(ws, true);
            c.awaitPrompt(Duration.ofSeconds(20));
            c.input("stty raw -echo; cat\n".getBytes(StandardCharsets.US_ASCII));
            c.awaitText("cat\r\n", Duration.ofSeconds(20));
            Thread.sleep(300);
            c.queued.clear();
            rttServer = roundTrips(b -> {
                c.input(new byte[] {b});
                c.awaitByte(b, RTT_LIMIT);
            }, rttWarmup, rtts);
            c.close();
        } finally {
            stop(server);
        }

        long[] rttWs;
        try (WsEcho echo = new WsEcho()) {
            Conn c = Conn.open(URI.create("ws://127.0.0.1:" + echo.port() + "/echo"), true);
            rttWs = roundTrips(b -> {
                c.send(new byte[] {'0', b});
                c.awaitByte(b, RTT_LIMIT);
            }, rttWarmup, rtts);
            c.close();
        }
        long[] rttTcp;
        try (TcpEcho echo = new TcpEcho(); Socket s = new Socket(InetAddress.getLoopbackAddress(), echo.port())) {
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) RTT_LIMIT.toMillis());
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            rttTcp = roundTrips(b -> {
                out.write(b);
                out.flush();
                int r = in.read();
                if (r != (b & 0xff)) {
                    throw new IllegalStateException("tcp echo gave " + r + " for " + b);
                }
            }, rttWarmup, rtts);
        }

        // Report.
        double serverMBs = bytes / run.seconds / 1e6;
        double cpuPerGb = run.cpuTicks / 100.0 / (bytes / 1e9);
        System.out.println();
        System.out.printf(Locale.ROOT, "throughput, %d bytes of 'x' through a pty (%d CPUs)%n", bytes, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "  %-44s %10s %12s %14s%n", "", "MB/s", "bytes/msg", "server CPU s/GB");
        System.out.printf(Locale.ROOT, "  %-44s %10.1f %12.0f %14.2f%n", "CloudTerm server -> JDK WebSocket client", serverMBs,
                (double) run.payload / run.messages, cpuPerGb);
        System.out.printf(Locale.ROOT, "  %-44s %10.1f %12.0f %14s%n", "ceiling: python3 pty.fork() + os.read loop", ceilingMBs,
                ceiling[1] > 0 ? bytes / ceiling[1] : 0.0, "-");
        System.out.printf(Locale.ROOT, "  ratio server / ceiling: %.2f%n", serverMBs / ceilingMBs);
        System.out.println();
        System.out.printf(Locale.ROOT, "keystroke round trip, 1-byte messages, %d after %d warm-up (microseconds)%n", rtts, rttWarmup);
        System.out.printf(Locale.ROOT, "  %-44s %8s %8s %8s %8s %8s%n", "", "p50", "p90", "p99", "p99.9", "max");
        row("CloudTerm: INPUT -> pty -> cat -> OUTPUT", rttServer);
        row("floor: minimal WebSocket echo, same JVM", rttWs);
        row("floor: plain TCP echo over loopback", rttTcp);
        System.out.printf(Locale.ROOT, "  p50 ratio server / ws echo: %.1f, server / tcp echo: %.1f%n",
                pct(rttServer, 0.5) / (double) pct(rttWs, 0.5), pct(rttServer, 0.5) / (double) pct(rttTcp, 0.5));

        json.put("server_MBps", round(serverMBs));
        json.put("ceiling_MBps", round(ceilingMBs));
        json.put("ratio", Math.round(serverMBs / ceilingMBs * 1000) / 1000.0);
        json.put("bytes_per_message", Math.round((double) run.payload / run.messages));
        json.put("messages", run.messages);
        json.put("server_cpu_s_per_GB", round(cpuPerGb));
        json.put("rtt_server_us", percentiles(rttServer));
        json.put("rtt_ws_echo_us", percentiles(rttWs));
        json.put("rtt_tcp_echo_us", percentiles(rttTcp));
        System.out.println();
        System.out.println("RESULT " + toJson(json));
        System.exit(0);
    }

    record Stream(double seconds, long payload, long messages, long cpuTicks) {
    }

    /** One terminal: prompt, stty -echo, then the timed stream; exact byte count checked. */
    private static Stream stream(URI ws, long pid, long bytes) throws Exception {
        Conn c = Conn.open(ws, false);
        c.awaitPrompt(Duration.ofSeconds(20));
        c.input("stty -echo\n".getBytes(StandardCharsets.US_ASCII));
        c.awaitText("stty -echo\r\n", Duration.ofSeconds(20));
        Thread.sleep(300); // the new prompt; echo is off from here
        String cmd = "head -c " + bytes + " /dev/zero | tr '\\0' x; echo; echo E\"\"ND\n";
        long cpu0 = cpuTicks(pid);
        c.startCounting(bytes);
        long t0 = System.nanoTime();
        c.input(cmd.getBytes(StandardCharsets.US_ASCII));
        c.awaitText("\r\nEND", STREAM_LIMIT);
        long cpu1 = cpuTicks(pid);
        double seconds = (c.lastX - t0) / 1e9;
        String tail = c.tail();
        String before = tail.substring(0, Math.max(0, tail.indexOf("\r\nEND")));
        if (c.xCount != bytes || !(before.isEmpty() || before.equals("$ ") || before.equals("# "))) {
            throw new IllegalStateException("expected " + bytes + " x then \\r\\nEND, got " + c.xCount + " x and "
                    + c.tail().replace("\r", "\\r").replace("\n", "\\n"));
        }
        Stream s = new Stream(seconds, c.payload, c.messages, cpu1 - cpu0);
        System.out.printf(Locale.ROOT, "stream of %d bytes: %.3f s, %.1f MB/s, %d messages, %d CPU ticks%n", bytes, seconds,
                bytes / seconds / 1e6, s.messages, s.cpuTicks);
        c.input("exit\n".getBytes(StandardCharsets.US_ASCII));
        c.awaitClose(Duration.ofSeconds(20));
        return s;
    }

    /** The ceiling: {seconds, reads}. */
    private static double[] python(long bytes) throws Exception {
        String script = String.join("\n",
                "import pty, os, sys, time",
                "n = int(sys.argv[1])",
                "t0 = time.perf_counter()",
                "pid, fd = pty.fork()",
                "if pid == 0:",
                "    os.execv('/bin/sh', ['sh', '-c', \"head -c %d /dev/zero | tr '\\\\0' x\" % n])",
                "got = 0; reads = 0",
                "while True:",
                "    try:",
                "        b = os.read(fd, 65536)",
                "    except OSError:",
                "        break",
                "    if not b:",
                "        break",
                "    got += len(b); reads += 1",
                "t1 = time.perf_counter()",
                "os.waitpid(pid, 0)",
                "print(got, t1 - t0, reads)");
        Process p = new ProcessBuilder("python3", "-c", script, Long.toString(bytes)).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(STREAM_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("python3 pty reader took over " + STREAM_LIMIT);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            String[] f = out.split("\\s+");
            if (f.length != 3 || Long.parseLong(f[0]) != bytes) {
                throw new IllegalStateException("python3 pty reader: expected " + bytes + " bytes, said: " + out);
            }
            double seconds = Double.parseDouble(f[1]);
            System.out.printf(Locale.ROOT, "ceiling %d bytes: %.3f s, %.1f MB/s, %s reads%n", bytes, seconds, bytes / seconds / 1e6, f[2]);
            return new double[] {seconds, Double.parseDouble(f[2])};
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    interface RoundTrip {
        void run(byte b) throws Exception;
    }

    private static long[] roundTrips(RoundTrip rt, int warmup, int n) throws Exception {
        long[] ns = new long[n];
        for (int i = 0; i < warmup + n; i++) {
            byte b = (byte) ('a' + i % 26);
            long t0 = System.nanoTime();
            rt.run(b);
            long t = System.nanoTime() - t0;
            if (i >= warmup) {
                ns[i - warmup] = t;
            }
        }
        Arrays.sort(ns);
        return ns;
    }

    private static long pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000;
    }

    private static void row(String label, long[] sorted) {
        System.out.printf(Locale.ROOT, "  %-44s %8d %8d %8d %8d %8d%n", label, pct(sorted, 0.5), pct(sorted, 0.9),
                pct(sorted, 0.99), pct(sorted, 0.999), sorted[sorted.length - 1] / 1000);
    }

    private static Map<String, Object> percentiles(long[] sorted) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", pct(sorted, 0.5));
        m.put("p90", pct(sorted, 0.9));
        m.put("p99", pct(sorted, 0.99));
        m.put("p99.9", pct(sorted, 0.999));
        m.put("max", sorted[sorted.length - 1] / 1000);
        return m;
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }

    @SuppressWarnings("unchecked")
    private static String toJson(Object o) {
        if (o instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            ((Map<String, Object>) m).forEach((k, v) -> parts.add("\"" + k + "\":" + toJson(v)));
            return "{" + String.join(",", parts) + "}";
        }
        return String.valueOf(o);
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = procFile(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String procFile(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** SIGTERM, SIGKILL after 30 s; then whatever it started must be gone (killed by pid if not). */
    private static void stop(Process server) throws InterruptedException {
        List<ProcessHandle> children = server.descendants().toList();
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            System.out.println("server did not stop on SIGTERM within 30 s: SIGKILL");
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        List<ProcessHandle> left = children.stream().filter(ProcessHandle::isAlive).toList();
        if (!left.isEmpty()) {
            System.out.println("LEFT RUNNING after the server stopped, killed now: " + left);
            left.forEach(ProcessHandle::destroyForcibly);
        }
        System.out.println("server stopped (exit " + server.exitValue() + "); " + children.size()
                + " processes it had started, none left running: " + left.isEmpty());
    }

    /**
     * One ttyd-protocol connection (or a plain echo connection). Keeps the last 4 KiB of OUTPUT that
     * is not 'x' while counting; in latency mode, queues each OUTPUT message.
     */
    static final class Conn implements WebSocket.Listener {

        private static final int KEEP = 4096;

        private final Object lock = new Object();
        private final boolean queue;
        final BlockingQueue<byte[]> queued = new LinkedBlockingQueue<>();
        private final java.io.ByteArrayOutputStream part = new java.io.ByteArrayOutputStream();
        private final StringBuilder text = new StringBuilder();
        private boolean closed;
        private boolean counting;
        private long expect;
        volatile long xCount;
        volatile long lastX;
        long payload;
        long messages;
        private WebSocket socket;

        private Conn(boolean queue) {
            this.queue = queue;
        }

        static Conn open(URI uri, boolean queue) {
            Conn c = new Conn(queue);
            WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
            if (uri.getPath().endsWith("/ws")) {
                b.subprotocols("tty");
            }
            c.socket = b.buildAsync(uri, c).orTimeout(20, TimeUnit.SECONDS).join();
            if (uri.getPath().endsWith("/ws")) {
                c.send("{\"AuthToken\":\"\",\"columns\":80,\"rows\":24}".getBytes(StandardCharsets.UTF_8));
            }
            return c;
        }

        void send(byte[] bytes) {
            socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(20, TimeUnit.SECONDS).join();
        }

        void input(byte[] bytes) {
            byte[] m = new byte[bytes.length + 1];
            m[0] = '0';
            System.arraycopy(bytes, 0, m, 1, bytes.length);
            send(m);
        }

        void close() {
            if (!socket.isOutputClosed()) {
                try {
                    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(10, TimeUnit.SECONDS).join();
                } catch (RuntimeException e) {
                    socket.abort();
                }
            }
            socket.abort();
        }

        void startCounting(long bytes) {
            synchronized (lock) {
                text.setLength(0);
                counting = true;
                expect = bytes;
                xCount = 0;
                payload = 0;
                messages = 0;
            }
        }

        String tail() {
            synchronized (lock) {
                return text.toString();
            }
        }

        void awaitPrompt(Duration timeout) throws InterruptedException {
            await(() -> text.indexOf("$ ") >= 0 || text.indexOf("# ") >= 0, timeout, "prompt");
        }

        void awaitText(String s, Duration timeout) throws InterruptedException {
            await(() -> text.indexOf(s) >= 0, timeout, "'" + s.replace("\r", "\\r").replace("\n", "\\n") + "'");
        }

        void awaitClose(Duration timeout) throws InterruptedException {
            await(() -> closed, timeout, "close");
        }

        void awaitByte(byte b, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                byte[] m = queued.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new IllegalStateException("no echo of '" + (char) b + "' within " + timeout);
                }
                for (int i = 1; i < m.length; i++) {
                    if (m[i] == b) {
                        return;
                    }
                }
            }
        }

        private void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lock) {
                while (!condition.getAsBoolean()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || closed && !what.equals("close")) {
                        throw new IllegalStateException("no " + what + " within " + timeout + (closed ? " (closed)" : "")
                                + "; output: " + text.substring(Math.max(0, text.length() - 300)));
                    }
                    lock.wait(Math.max(1, left / 1_000_000));
                }
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (last && part.size() == 0) {
                received(data);
            } else {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                part.writeBytes(b);
                if (last) {
                    received(ByteBuffer.wrap(part.toByteArray()));
                    part.reset();
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
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
            synchronized (lock) {
                closed = true;
                lock.notifyAll();
            }
        }

        private void received(ByteBuffer m) {
            if (!m.hasRemaining() || m.get(m.position()) != '0') {
                return;
            }
            if (queue) {
                byte[] b = new byte[m.remaining()];
                m.get(b);
                queued.add(b);
                synchronized (lock) {
                    text.append(new String(b, 1, b.length - 1, StandardCharsets.ISO_8859_1));
                    trim();
                    lock.notifyAll();
                }
                return;
            }
            int from = m.position() + 1, to = m.limit();
            synchronized (lock) {
                if (counting) {
                    messages++;
                    payload += to - from;
                    long x = 0;
                    boolean other = false;
                    for (int i = from; i < to; i++) {
                        byte b = m.get(i);
                        if (b == 'x') {
                            x++;
                        } else {
                            other = true;
                        }
                    }
                    if (x > 0) {
                        xCount += x;
                        lastX = System.nanoTime();
                    }
                    if (other) {
                        for (int i = from; i < to; i++) {
                            byte b = m.get(i);
                            if (b != 'x' && text.length() < KEEP) {
                                text.append((char) (b & 0xff));
                            }
                        }
                        lock.notifyAll();
                    }
                } else {
                    for (int i = from; i < to; i++) {
                        text.append((char) (m.get(i) & 0xff));
                    }
                    trim();
                    lock.notifyAll();
                }
            }
        }

        private void trim() {
            if (text.length() > 2 * KEEP) {
                text.delete(0, text.length() - KEEP);
            }
        }
    }

    /** A minimal WebSocket echo server: handshake, then each client frame echoed back unmasked. */
    static final class WsEcho implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> sockets = new ArrayList<>();

        WsEcho() throws IOException {
            Thread.ofPlatform().daemon().name("ws-echo-accept").start(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        synchronized (sockets) {
                            sockets.add(s);
                        }
                        Thread.ofPlatform().daemon().name("ws-echo").start(() -> serve(s));
                    }
                } catch (IOException closed) {
                    // done
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private static void serve(Socket s) {
            try (s) {
                s.setTcpNoDelay(true);
                InputStream in = new java.io.BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                String key = null;
                StringBuilder line = new StringBuilder();
                while (true) {
                    int c = in.read();
                    if (c < 0) {
                        return;
                    }
                    if (c == '\n') {
                        String l = line.toString().trim();
                        line.setLength(0);
                        if (l.isEmpty()) {
                            break;
                        }
                        if (l.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                            key = l.substring(l.indexOf(':') + 1).trim();
                        }
                    } else {
                        line.append((char) c);
                    }
                }
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                        + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                while (true) {
                    int b0 = in.read(), b1 = in.read();
                    if (b0 < 0 || b1 < 0) {
                        return;
                    }
                    long len = b1 & 0x7f;
                    if (len == 126) {
                        len = (in.read() << 8) | in.read();
                    } else if (len == 127) {
                        len = 0;
                        for (int i = 0; i < 8; i++) {
                            len = (len << 8) | in.read();
                        }
                    }
                    byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : new byte[4];
                    byte[] payload = in.readNBytes((int) len);
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i & 3];
                    }
                    byte[] frame = new byte[payload.length + 10];
                    int h = 0;
                    frame[h++] = (byte) b0;
                    if (payload.length < 126) {
                        frame[h++] = (byte) payload.length;
                    } else {
                        frame[h++] = 126;
                        frame[h++] = (byte) (payload.length >> 8);
                        frame[h++] = (byte) payload.length;
                    }
                    System.arraycopy(payload, 0, frame, h, payload.length);
                    out.write(frame, 0, h + payload.length);
                    out.flush();
                    if ((b0 & 0x0f) == 8) {
                        return; // close echoed
                    }
                }
            } catch (Exception e) {
                // connection gone
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    /** A plain TCP echo: one thread per connection, byte by byte. */
    static final class TcpEcho implements AutoCloseable {
        private final ServerSocket server = new ServerSocket();
        private final List<Socket> sockets = new ArrayList<>();

        TcpEcho() throws IOException {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofPlatform().daemon().name("tcp-echo-accept").start(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        synchronized (sockets) {
                            sockets.add(s);
                        }
                        Thread.ofPlatform().daemon().name("tcp-echo").start(() -> {
                            try (s) {
                                s.setTcpNoDelay(true);
                                InputStream in = s.getInputStream();
                                OutputStream out = s.getOutputStream();
                                byte[] buf = new byte[4096];
                                int n;
                                while ((n = in.read(buf)) > 0) {
                                    out.write(buf, 0, n);
                                }
                            } catch (IOException gone) {
                                // done
                            }
                        });
                    }
                } catch (IOException closed) {
                    // done
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }
}
