package io.cloudterm.nativeio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.platform.Platform;
import io.cloudterm.pty.ExitStatus;
import io.cloudterm.pty.NativeMode;
import io.cloudterm.pty.Pty;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import io.cloudterm.pty.Signal;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native pty on real ptys with real children: what the child finds at its start (controlling
 * terminal, size, signals, fds), what reaches it later (Ctrl-C, resize, a flood of input), how it
 * ends (status, reaping), and what the JVM keeps (no fd, no zombie, no pinned carrier).
 */
@Timeout(60)
class NativePtyTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Path HERE = Path.of("").toAbsolutePath();

    private static Platform platform;
    private static PtySystem system;

    @BeforeAll
    static void startSystem() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "native ptys are Linux only");
        platform = new NativePlatformLoader().create();
        system = platform.ptys();
    }

    @AfterAll
    static void closeSystem() {
        if (platform != null) {
            platform.close();
        }
    }

    // ---- what the child finds at its start ----

    @Test
    void childHasThePtyAsControllingTerminal() throws Exception {
        try (Output out = Output.start(spawn("sh", "-c", "tty; exec cat /proc/self/stat"))) {
            String[] lines = out.awaitEnd().split("\n");
            String tty = lines[0];
            assertTrue(tty.matches("/dev/pts/\\d+"), () -> "tty says " + tty);
            // /proc/<pid>/stat: pid (comm) state ppid pgrp session tty_nr tpgid ...
            String[] fields = lines[1].substring(lines[1].lastIndexOf(')') + 2).split(" ");
            long pid = out.pty.pid();
            assertEquals(pid, Long.parseLong(fields[2]), "process group: the child leads its own");
            assertEquals(pid, Long.parseLong(fields[3]), "session: the child leads a new one");
            int ttyNr = Integer.parseInt(fields[4]);
            int major = (ttyNr >> 8) & 0xfff;
            int minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
            assertTrue(major >= 136 && major <= 143, "controlling terminal is a Unix98 pty, major " + major);
            assertEquals(tty, "/dev/pts/" + minor, "the controlling terminal is the pty it runs on");
            assertEquals(pid, Long.parseLong(fields[5]), "its group is the terminal's foreground group");
        }
    }

    @Test
    void childStartsWithTheSizeAskedFor() throws Exception {
        try (Output out = Output.start(system.spawn(spec(List.of("stty", "size"), 132, 50)))) {
            assertEquals("50 132\n", out.awaitEnd());
        }
    }

    @Test
    void childStartsWithNoSignalBlockedOrIgnored() throws Exception {
        try (Output out = Output.start(spawn("cat", "/proc/self/status"))) {
            Map<String, String> status = Arrays.stream(out.awaitEnd().split("\n"))
                    .filter(line -> line.startsWith("Sig"))
                    .collect(Collectors.toMap(line -> line.substring(0, line.indexOf(':')), line -> line.substring(line.indexOf(':') + 1).strip()));
            assertEquals("0000000000000000", status.get("SigBlk"), "blocked signals");
            assertEquals("0000000000000000", status.get("SigIgn"), "ignored signals (glibc's internal 32 and 33 included)");
        }
    }

    @Test
    void childInheritsNoFdOfTheJvm() throws Exception {
        // An fd the JVM opened without O_CLOEXEC, held open across the spawn.
        try (FileInputStream held = new FileInputStream("/proc/self/status");
                Output out = Output.start(spawn("ls", "-1", "/proc/self/fd"))) {
            // 3 is ls's own directory fd on /proc/self/fd.
            assertEquals(Set.of("0", "1", "2", "3"), Set.of(out.awaitEnd().split("\n")));
        }
    }

    @Test
    void environmentAndArgumentsAreExactlyTheSpecs() throws Exception {
        PtySpec spec = new PtySpec(List.of("env"), HERE, Map.of("PATH", "/usr/bin:/bin", "ONLY", "this one", "A.B", "kept"), 80, 24);
        try (Output out = Output.start(system.spawn(spec))) {
            assertEquals(Set.of("PATH=/usr/bin:/bin", "ONLY=this one", "A.B=kept"), Set.of(out.awaitEnd().split("\n")));
        }
        try (Output out = Output.start(spawn("printf", "[%s]", "a b", "", "$HOME"))) {
            assertEquals("[a b][][$HOME]", out.awaitEnd());
        }
    }

    @Test
    void readsLandAtTheBufferPositionInHeapAndDirectBuffers() throws Exception {
        for (ByteBuffer buffer : List.of(ByteBuffer.allocate(64), ByteBuffer.allocateDirect(64))) {
            Pty pty = spawn("printf", "abc");
            try {
                buffer.clear().put((byte) '>').limit(3); // room for two bytes after the '>'
                StringBuilder text = new StringBuilder();
                while (true) {
                    int n = pty.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    buffer.flip().get(); // the '>' stays where it was
                    while (buffer.hasRemaining()) {
                        text.append((char) buffer.get());
                    }
                    buffer.clear().put((byte) '>').limit(3);
                }
                assertEquals("abc", text.toString(), buffer.isDirect() ? "direct" : "heap");
            } finally {
                pty.close();
            }
        }
    }

    // ---- what reaches the child later ----

    @Test
    void ctrlCInterruptsASleepInTheShell() throws Exception {
        PtySpec spec = new PtySpec(List.of("sh"), HERE, Map.of("PATH", "/usr/bin:/bin", "PS1", "prompt> "), 80, 24);
        try (Output shell = Output.start(system.spawn(spec))) {
            shell.awaitText("prompt> ");
            shell.type("sleep 100\n");
            awaitChild(shell.pty, "sleep");
            long start = System.nanoTime();
            shell.type("\u0003");
            shell.awaitCount("prompt> ", 2);
            shell.type("echo status $?\n");
            shell.awaitText("status 130");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "Ctrl-C ended the sleep at once");
            shell.type("exit 7\n");
            assertEquals(ExitStatus.exited(7), status(shell.pty));
        }
    }

    @Test
    void resizeReachesTheChild() throws Exception {
        try (Output out = Output.start(spawn("sh", "-c", "echo ready; read line; stty size"))) {
            out.awaitText("ready");
            out.pty.resize(100, 30);
            out.type("\n");
            assertTrue(out.awaitEnd().endsWith("30 100\n"), () -> "stty size after the resize: " + out.text());
        }
    }

    @Test
    void aLargeWriteParksUntilTheChildHasReadIt() throws Exception {
        int size = 1 << 20; // far beyond the tty's input queue: the write must wait for EPOLLOUT
        String script = "stty raw -echo; echo ready; head -c " + size + " > /dev/null; echo done";
        try (Output out = Output.start(spawn("sh", "-c", script))) {
            out.awaitText("ready");
            byte[] input = new byte[size];
            Arrays.fill(input, (byte) 'x');
            ByteBuffer heap = ByteBuffer.wrap(input);
            out.pty.write(heap);
            assertEquals(size, heap.position(), "every byte was written");
            out.awaitText("done");
        }
    }

    // ---- reading without a waiting thread ----

    /** Reads with readNow until {@code marker} was seen, waiting through onOutput in between. */
    private static String readUntil(Pty pty, String marker) throws Exception {
        StringBuilder seen = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!seen.toString().contains(marker)) {
            buffer.clear();
            int n = pty.readNow(buffer);
            if (n < 0) {
                fail("end of output before " + marker + "; got " + seen);
            }
            if (n == 0) {
                CountDownLatch ready = new CountDownLatch(1);
                pty.onOutput(ready::countDown);
                assertTrue(ready.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS), "no output");
                continue;
            }
            byte[] bytes = new byte[n];
            buffer.flip().get(bytes);
            seen.append(new String(bytes, StandardCharsets.US_ASCII));
        }
        return seen.toString();
    }

    @Test
    void readNowSaysThereIsNothingYetAndOnOutputRunsWhenOutputComes() throws Exception {
        Pty pty = spawn("sh", "-c", "echo ready; read line; echo got-$line");
        try {
            readUntil(pty, "ready");
            assertEquals(0, pty.readNow(ByteBuffer.allocateDirect(64)), "the shell waits for a line: nothing to read");
            CountDownLatch ready = new CountDownLatch(1);
            pty.onOutput(ready::countDown);
            assertTrue(!ready.await(300, TimeUnit.MILLISECONDS), "no output yet, no call");
            pty.write(ByteBuffer.wrap("x\n".getBytes(StandardCharsets.US_ASCII)));
            assertTrue(ready.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS), "the echo and the answer came");
            assertTrue(readUntil(pty, "got-x").contains("got-x"));
        } finally {
            pty.signalGroup(Signal.KILL);
            pty.close();
        }
    }

    @Test
    void afterAnEchoSizedReadReadNowSaysNothingYetWithoutLookingAndOnOutputRunsAtOnceForWhatCame(@TempDir Path dir)
            throws Exception {
        Path written = dir.resolve("written");
        Pty pty = spawn("sh", "-c", "echo ready; read line; printf b; : > " + written + "; exec sleep 100");
        try {
            readUntil(pty, "ready");
            pty.write(ByteBuffer.wrap("x\n".getBytes(StandardCharsets.US_ASCII)));
            await().atMost(PATIENCE).until(() -> Files.exists(written));
            ByteBuffer buffer = ByteBuffer.allocateDirect(64);
            assertEquals(0, pty.readNow(buffer), "the last read was small: no read() to hear EAGAIN, though output is there");
            CountDownLatch ready = new CountDownLatch(1);
            pty.onOutput(ready::countDown);
            assertTrue(ready.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS), "arming found the output that was there");
            assertTrue(readUntil(pty, "b").endsWith("b"));
        } finally {
            pty.signalGroup(Signal.KILL);
            pty.close();
        }
    }

    @Test
    void onOutputAlsoRunsWhenThePtyIsClosedAndReadNowThenSaysEnd() throws Exception {
        Pty pty = spawn("sh", "-c", "echo ready; exec sleep 100");
        try {
            readUntil(pty, "ready");
            CountDownLatch called = new CountDownLatch(1);
            pty.onOutput(called::countDown);
            pty.signalGroup(Signal.KILL);
            status(pty);
            pty.close(); // the child is gone but its pty stays open until closed: the wait ends at close
            assertTrue(called.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS), "close ran the action");
            assertEquals(-1, pty.readNow(ByteBuffer.allocateDirect(64)));
            CountDownLatch late = new CountDownLatch(1);
            pty.onOutput(late::countDown);
            assertEquals(0, late.getCount(), "after close, the action runs at once");
        } finally {
            pty.signalGroup(Signal.KILL);
            pty.close();
        }
    }

    @Test
    void onExitCompletesWithTheStatusWithoutAWaitingThread() throws Exception {
        try (Output out = Output.start(spawn("sh", "-c", "exit 5"))) {
            assertEquals(ExitStatus.exited(5), out.pty.onExit().toCompletableFuture().get(PATIENCE.toMillis(),
                    TimeUnit.MILLISECONDS));
        }
    }

    // ---- how it ends ----

    @Test
    void exitStatusIsTheChildsCodeOrSignal() throws Exception {
        try (Output out = Output.start(spawn("sh", "-c", "exit 3"))) {
            assertEquals(ExitStatus.exited(3), status(out.pty));
            assertEquals(Optional.of(ExitStatus.exited(3)), out.pty.exitStatus());
            assertEquals("exit 3", out.pty.exitStatus().orElseThrow().toString());
        }
        try (Output out = Output.start(spawn("sh", "-c", "kill -9 $$"))) {
            assertEquals(ExitStatus.killedBy(9), status(out.pty));
            assertEquals("signal 9", out.pty.exitStatus().orElseThrow().toString());
        }
    }

    @Test
    void signalGroupReachesTheChildAndNothingAfterItWasReaped() throws Exception {
        try (Output out = Output.start(spawn("sleep", "100"))) {
            assertEquals(Optional.empty(), out.pty.exitStatus());
            out.pty.signalGroup(Signal.TERM);
            assertEquals(ExitStatus.killedBy(15), status(out.pty));
            out.pty.signalGroup(Signal.KILL); // reaped: does nothing, throws nothing
            assertEquals(ExitStatus.killedBy(15), status(out.pty));
            assertEquals("", out.awaitEnd());
        }
    }

    @Test
    void aMissingProgramIsAClearIOException() throws Exception {
        IOException missing = assertThrows(IOException.class, () -> spawn("no-such-program-cloudterm", "arg"));
        assertEquals("cannot start 'no-such-program-cloudterm': No such file or directory", missing.getMessage());
        PtySpec nowhere = new PtySpec(List.of("sh"), Path.of("/no/such/directory"), Map.of("PATH", "/usr/bin:/bin"), 80, 24);
        IOException badDirectory = assertThrows(IOException.class, () -> system.spawn(nowhere));
        assertEquals("cannot start 'sh' in /no/such/directory: No such file or directory", badDirectory.getMessage());
    }

    @Test
    void aFailedSpawnLeavesNoFdBehind() throws Exception {
        assertThrows(IOException.class, () -> spawn("no-such-program-cloudterm")); // warm-up
        long before = openFds();
        for (int i = 0; i < 50; i++) {
            assertThrows(IOException.class, () -> spawn("no-such-program-cloudterm"));
        }
        assertEquals(before, openFds(), "open fds of the JVM");
    }

    @Test
    void readReturnsMinusOneAfterCloseAndCloseUnblocksARead() throws Exception {
        Output out = Output.start(spawn("cat"));
        out.awaitParked();
        out.pty.close();
        out.awaitEnd();
        assertEquals(-1, out.pty.read(ByteBuffer.allocate(16)));
        assertEquals(-1, out.pty.read(ByteBuffer.allocateDirect(16)));
        assertThrows(IOException.class, () -> out.type("late"));
        assertEquals(ExitStatus.killedBy(1), status(out.pty), "closing the master hangs up the child");
    }

    // ---- what the JVM keeps ----

    @Test
    void fiveHundredSpawnsAndClosesLeaveNoFdAndNoZombie() throws Exception {
        for (int i = 0; i < 5; i++) { // warm-up: classes loaded, jars opened
            Pty pty = spawn("true");
            pty.close();
            status(pty);
        }
        long before = openFds();
        List<Pty> ptys = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Pty pty = spawn("true");
            pty.close(); // at once: the poller still reaps the child when it exits
            ptys.add(pty);
        }
        for (Pty pty : ptys) {
            status(pty);
        }
        assertEquals(List.of(), zombieChildren(), "zombie children of the JVM");
        assertEquals(before, openFds(), "open fds of the JVM (each pty had a master and a pidfd)");
    }

    @Test
    void blockedReadersPinNoCarrierAndCloseEndsThemAll() throws Exception {
        int count = 50;
        List<Output> outputs = new ArrayList<>();
        List<CompletableFuture<ExitStatus>> waiters = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Output out = Output.start(spawn("sleep", "30"));
                outputs.add(out);
                CompletableFuture<ExitStatus> waiter = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try {
                        waiter.complete(out.pty.waitFor());
                    } catch (Throwable e) {
                        waiter.completeExceptionally(e);
                    }
                });
                waiters.add(waiter);
            }
            for (Output out : outputs) {
                out.awaitParked(); // WAITING, not RUNNABLE in a native read
            }
            long start = System.nanoTime();
            CompletableFuture<Long> ran = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> ran.complete(System.nanoTime()));
            long delayMillis = TimeUnit.NANOSECONDS.toMillis(ran.get(5, TimeUnit.SECONDS) - start);
            assertTrue(delayMillis < 500, "a new virtual thread ran after " + delayMillis + " ms");
        } finally {
            outputs.forEach(out -> out.pty.close());
        }
        for (Output out : outputs) {
            assertEquals("", out.awaitEnd(), "the reader returned -1");
        }
        for (CompletableFuture<ExitStatus> waiter : waiters) {
            assertEquals(ExitStatus.killedBy(1), waiter.get(PATIENCE.toSeconds(), TimeUnit.SECONDS), "hung up by the close");
        }
    }

    @Test
    void theServiceLoaderFindsTheNativeSystem() {
        try (Platform loaded = Platform.select(NativeMode.ON)) {
            assertEquals("native (posix_spawn, epoll)", loaded.description());
            assertEquals("native (posix_spawn, epoll)", loaded.ptys().description());
        }
    }

    // ---- helpers ----

    private static Pty spawn(String... command) throws IOException {
        return system.spawn(spec(List.of(command), 80, 24));
    }

    private static PtySpec spec(List<String> command, int columns, int rows) {
        return new PtySpec(command, HERE, Map.of("PATH", "/usr/bin:/bin", "LC_ALL", "C"), columns, rows);
    }

    private static ExitStatus status(Pty pty) throws Exception {
        CompletableFuture<ExitStatus> status = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                status.complete(pty.waitFor());
            } catch (Throwable e) {
                status.completeExceptionally(e);
            }
        });
        return status.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    /** Waits until the child of {@code pty} has a child running {@code command}. */
    private static void awaitChild(Pty pty, String command) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (ProcessHandle.of(pty.pid()).stream().flatMap(ProcessHandle::children)
                .noneMatch(child -> child.info().command().orElse("").endsWith("/" + command))) {
            if (System.nanoTime() > deadline) {
                fail("no " + command + " started under pid " + pty.pid());
            }
            Thread.sleep(10);
        }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Children of this JVM that exited and were never reaped. */
    private static List<String> zombieChildren() throws IOException {
        String self = Long.toString(ProcessHandle.current().pid());
        List<String> zombies = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String stat;
                try {
                    stat = Files.readString(process.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (fields[0].equals("Z") && fields[1].equals(self)) {
                    zombies.add(stat.strip());
                }
            }
        }
        return zombies;
    }

    /** A virtual thread reading everything the child prints, the way a Terminal does, into a direct buffer. */
    private static final class Output implements AutoCloseable {
        final Pty pty;
        final Thread reader;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<Void> end = new CompletableFuture<>();

        private Output(Pty pty) {
            this.pty = pty;
            this.reader = Thread.ofVirtual().name("reader-" + pty.pid()).start(this::readAll);
        }

        static Output start(Pty pty) {
            return new Output(pty);
        }

        private void readAll() {
            ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
            byte[] chunk = new byte[4096];
            try {
                while (pty.read(buffer.clear()) >= 0) {
                    buffer.flip();
                    int n = buffer.remaining();
                    buffer.get(chunk, 0, n);
                    synchronized (bytes) {
                        bytes.write(chunk, 0, n);
                    }
                }
                end.complete(null);
            } catch (Throwable e) {
                end.completeExceptionally(e);
            }
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        void type(String keys) throws IOException {
            pty.write(ByteBuffer.wrap(keys.getBytes(StandardCharsets.UTF_8)));
        }

        void awaitText(String expected) throws InterruptedException {
            awaitCount(expected, 1);
        }

        void awaitCount(String expected, int times) throws InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (occurrences(text(), expected) < times) {
                if (System.nanoTime() > deadline) {
                    fail(times + " x '" + expected + "' did not come; output: '" + text().replace("\r", "\\r").replace("\n", "\\n") + "'");
                }
                Thread.sleep(5);
            }
        }

        /** Waits until the reader is parked on the poller (a pinned native read would stay RUNNABLE). */
        void awaitParked() throws InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (reader.getState() != Thread.State.WAITING) {
                if (System.nanoTime() > deadline) {
                    fail("the reader of pid " + pty.pid() + " is " + reader.getState() + ", not parked");
                }
                Thread.sleep(5);
            }
        }

        /** Waits for read to return -1; returns the whole output without the CRs of ONLCR. */
        String awaitEnd() throws Exception {
            try {
                end.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                fail("read did not return -1; output: '" + text() + "'");
            } catch (ExecutionException e) {
                throw new AssertionError("read failed", e.getCause());
            }
            return text().replace("\r", "");
        }

        private static int occurrences(String text, String part) {
            int count = 0;
            for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
                count++;
            }
            return count;
        }

        @Override
        public void close() {
            pty.close();
        }
    }
}
