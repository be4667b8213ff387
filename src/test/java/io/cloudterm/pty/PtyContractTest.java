package io.cloudterm.pty;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link Pty} contract, the same stories told to both implementations: {@code OFF} is the
 * pure-Java one (script(1)), {@code ON} the native one (FFM). Real processes on real ptys.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hung pty must fail the test, not stop the run
class PtyContractTest {

    static Stream<NativeMode> modes() {
        return PtyModes.selected();
    }

    @AfterAll
    static void closeSystems() {
        PtyModes.closeAll();
    }

    private static Transcript start(NativeMode mode, List<String> command) throws IOException {
        return Transcript.start(PtyModes.system(mode), Transcript.spec(command));
    }

    private static Transcript start(NativeMode mode, PtySpec spec) throws IOException {
        return Transcript.start(PtyModes.system(mode), spec);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void catEchoesWhatIsTyped(NativeMode mode) throws Exception {
        try (Transcript cat = start(mode, List.of("cat"))) {
            cat.type("hello pty\n");
            // once from the tty's echo, once from cat
            cat.awaitText("hello pty\r\nhello pty\r\n");
            cat.type("\u0004"); // Ctrl-D at the start of a line: end of input
            cat.awaitEnd();
            assertEquals(ExitStatus.exited(0), cat.status());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void childStartsWithTheSizeAskedFor(NativeMode mode) throws Exception {
        for (int[] size : new int[][] {{80, 24}, {132, 50}}) {
            PtySpec spec = new PtySpec(List.of("stty", "size"), Path.of("").toAbsolutePath(),
                    Map.of("PATH", "/usr/bin:/bin"), size[0], size[1]);
            try (Transcript stty = start(mode, spec)) {
                assertEquals(size[1] + " " + size[0] + "\n", stty.awaitEnd());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void resizeReachesTheChild(NativeMode mode) throws Exception {
        try (Transcript shell = start(mode, List.of("sh", "-c", "echo ready; read line; stty size"))) {
            shell.awaitText("ready");
            shell.pty.resize(100, 30);
            shell.type("\n");
            assertTrue(shell.awaitEnd().endsWith("30 100\n"), () -> "stty size after the resize: " + shell.lines());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void resizeSendsSigwinch(NativeMode mode) throws Exception {
        String script = "trap 'stty size; exit 0' WINCH; echo ready; while :; do sleep 0.05; done";
        try (Transcript shell = start(mode, List.of("sh", "-c", script))) {
            shell.awaitText("ready");
            shell.pty.resize(90, 20);
            assertTrue(shell.awaitEnd().endsWith("20 90\n"), () -> "output: " + shell.lines());
            assertEquals(ExitStatus.exited(0), shell.status());
        }
    }

    /** The nudge a redraw ends with: SIGWINCH to the job in the foreground, the size unchanged. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void aSignalReachesTheJobInTheForeground(NativeMode mode) throws Exception {
        String script = "trap 'echo got-winch; exit 0' WINCH; echo ready; while :; do sleep 0.05; done";
        try (Transcript shell = start(mode, List.of("sh", "-c", script))) {
            shell.awaitText("ready");
            long group = io.cloudterm.terminal.ForegroundProcess.group(shell.pty.pid()).orElseThrow();
            shell.pty.signalProcessGroup(group, Signal.WINCH);
            assertTrue(shell.awaitEnd().contains("got-winch"), () -> "output: " + shell.lines());
            assertEquals(ExitStatus.exited(0), shell.status());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void exitCodeReachesTheCaller(NativeMode mode) throws Exception {
        try (Transcript shell = start(mode, List.of("sh", "-c", "exit 3"))) {
            shell.awaitEnd();
            assertEquals(ExitStatus.exited(3), shell.status());
            assertEquals(Optional.of(ExitStatus.exited(3)), shell.pty.exitStatus());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void killEndsTheChildBySignal9(NativeMode mode) throws Exception {
        try (Transcript sleep = start(mode, List.of("sleep", "100"))) {
            assertEquals(Optional.empty(), sleep.pty.exitStatus(), "sleep is still running");
            sleep.pty.signalGroup(Signal.KILL);
            assertEquals(ExitStatus.killedBy(9), sleep.status());
            sleep.awaitEnd();
            assertGone(sleep.pty.pid());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void sigkillFromElsewhereIsReportedAsSignal9(NativeMode mode) throws Exception {
        try (Transcript shell = start(mode, List.of("sh", "-c", "kill -9 $$"))) {
            assertEquals(ExitStatus.killedBy(9), shell.status());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void hangupEndsAnInteractiveShell(NativeMode mode) throws Exception {
        PtySpec spec = new PtySpec(List.of("sh"), Path.of("").toAbsolutePath(),
                Map.of("PATH", "/usr/bin:/bin", "PS1", "prompt> "), 80, 24);
        try (Transcript shell = start(mode, spec)) {
            shell.awaitText("prompt> "); // sh is interactive because its input is a terminal
            shell.pty.signalGroup(Signal.HUP);
            assertEquals(ExitStatus.killedBy(1), shell.status());
            shell.awaitEnd();
        }
    }

    /**
     * Ctrl-C goes through the tty's line discipline, which signals the foreground group. The pure-Java
     * mode cannot tell that death from {@code exit 130} (script(1) reports both as 130, and the signal
     * was not ours), so there it is exit 130; the native mode sees the real status.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void ctrlCInterruptsTheForegroundProgram(NativeMode mode) throws Exception {
        try (Transcript sleep = start(mode, List.of("sleep", "100"))) {
            // A ^C that reaches the tty before the program is its foreground group signals nobody,
            // and under load (script(1) starting its own child) no fixed pause is enough: as a user
            // would, it is typed again until the program has gone.
            CompletableFuture<ExitStatus> exit = sleep.pty.onExit().toCompletableFuture();
            long deadline = System.nanoTime() + Transcript.PATIENCE.toNanos();
            while (!exit.isDone() && System.nanoTime() < deadline) {
                sleep.type("\u0003");
                try {
                    exit.get(250, TimeUnit.MILLISECONDS);
                } catch (TimeoutException notYet) {
                    // typed too early: again
                }
            }
            ExitStatus expected = mode == NativeMode.OFF ? ExitStatus.exited(130) : ExitStatus.killedBy(2);
            assertEquals(expected, sleep.status());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void signalAfterTheChildIsGoneDoesNothing(NativeMode mode) throws Exception {
        try (Transcript shell = start(mode, List.of("sh", "-c", "exit 5"))) {
            assertEquals(ExitStatus.exited(5), shell.status());
            shell.pty.signalGroup(Signal.HUP);
            shell.pty.signalGroup(Signal.KILL);
            assertEquals(ExitStatus.exited(5), shell.status(), "the status stays the child's own");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void readReturnsMinusOneOnlyAfterTheLastByte(NativeMode mode) throws Exception {
        String expected = IntStream.rangeClosed(1, 40_000).mapToObj(i -> i + "\n").collect(Collectors.joining());
        try (Transcript seq = start(mode, List.of("seq", "1", "40000"))) {
            String output = seq.awaitEnd();
            assertEquals(expected.length(), output.length(), "bytes of output without CRs");
            assertEquals(expected, output);
            assertEquals(ExitStatus.exited(0), seq.status());
            assertEquals(-1, seq.pty.read(ByteBuffer.allocate(16)), "the end stays the end");
        }
    }

    /** The terminal layer's buffers live off-heap: both directions must take direct buffers. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void directBuffersWorkBothWays(NativeMode mode) throws Exception {
        try (Pty pty = PtyModes.system(mode).spawn(Transcript.spec(List.of("sh", "-c", "read line; echo got $line")))) {
            ByteBuffer keys = ByteBuffer.allocateDirect(16).put("xyz\n".getBytes(StandardCharsets.US_ASCII)).flip();
            pty.write(keys);
            assertFalse(keys.hasRemaining(), "write takes every byte");
            ByteBuffer buffer = ByteBuffer.allocateDirect(7); // smaller than the output: several reads
            StringBuilder output = new StringBuilder();
            while (pty.read(buffer.clear()) >= 0) {
                byte[] bytes = new byte[buffer.flip().remaining()];
                buffer.get(bytes);
                output.append(new String(bytes, StandardCharsets.US_ASCII));
            }
            assertEquals("xyz\r\ngot xyz\r\n", output.toString());
            assertEquals(ExitStatus.exited(0), pty.waitFor());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void closeUnblocksABlockedRead(NativeMode mode) throws Exception {
        try (Transcript cat = start(mode, List.of("cat"))) {
            Thread.sleep(200); // the reader is now parked in read: cat prints nothing unprompted
            assertFalse(cat.ended());
            cat.pty.close();
            cat.awaitEnd(Duration.ofSeconds(3));
            assertEquals(-1, cat.pty.read(ByteBuffer.allocate(16)));
        }
    }

    /**
     * A quiet terminal's reader ends instead of waiting (thousands of idle terminals would each hold
     * one): readNow says 0 at once, and onOutput wakes the next reader when the child prints.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void quietPtyWakesItsReaderWhenOutputArrives(NativeMode mode) throws Exception {
        try (Pty pty = PtyModes.system(mode).spawn(Transcript.spec(List.of("cat")))) {
            ByteBuffer buffer = ByteBuffer.allocate(256);
            assertEquals(0, pty.readNow(buffer), "cat prints nothing unprompted: no output, and no waiting for it");
            CountDownLatch woken = new CountDownLatch(1);
            pty.onOutput(woken::countDown);
            pty.write(ByteBuffer.wrap("ping\n".getBytes(StandardCharsets.US_ASCII)));
            StringBuilder output = new StringBuilder();
            while (!output.toString().contains("ping\r\nping\r\n")) {
                assertTrue(woken.await(Transcript.PATIENCE.toMillis(), TimeUnit.MILLISECONDS),
                        () -> "no wake-up for output; so far: " + output);
                int n;
                while ((n = pty.readNow(buffer.clear())) > 0) {
                    output.append(new String(buffer.array(), 0, n, StandardCharsets.US_ASCII));
                }
                assertTrue(n == 0, "cat is still running");
                woken = new CountDownLatch(1);
                pty.onOutput(woken::countDown);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void environmentIsExactlyTheSpecs(NativeMode mode) throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", "/usr/bin:/bin");
        environment.put("CLOUDTERM_QUOTED", "it's \"quoted\" $HOME `id` \\ ; & |");
        environment.put("NOT.AN-IDENTIFIER", "shells drop such names, env keeps them");
        environment.put("EMPTY", "");
        PtySpec spec = new PtySpec(List.of("env"), Path.of("").toAbsolutePath(), environment, 80, 24);
        try (Transcript env = start(mode, spec)) {
            Set<String> printed = Set.of(env.awaitEnd().split("\n"));
            Set<String> asked = environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.toSet());
            assertEquals(asked, printed);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void argumentsReachTheProgramVerbatim(NativeMode mode) throws Exception {
        List<String> words = List.of("a b", "it's", "$HOME", "`id`", "$(id)", "; echo pwned", "\"q\"", "\\n", "*", "");
        List<String> command = Stream.concat(Stream.of("printf", "[%s]"), words.stream()).toList();
        try (Transcript printf = start(mode, command)) {
            assertEquals(words.stream().map(w -> "[" + w + "]").collect(Collectors.joining()), printf.awaitEnd());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void workingDirectoryIsTheSpecs(NativeMode mode, @TempDir Path temp) throws Exception {
        Path directory = Files.createDirectory(temp.resolve("with space and 'quote'")).toRealPath();
        PtySpec spec = new PtySpec(List.of("pwd"), directory, Map.of("PATH", "/usr/bin:/bin"), 80, 24);
        try (Transcript pwd = start(mode, spec)) {
            assertEquals(directory + "\n", pwd.awaitEnd());
        }
    }

    /**
     * The pure-Java mode looks the program up first and throws, naming it. The native mode may
     * throw from the spawn too, or (like a shell) report exit 127 with a message naming it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void missingProgramIsReportedByName(NativeMode mode) throws Exception {
        String program = "no-such-program-cloudterm";
        Transcript missing;
        try {
            missing = start(mode, List.of(program, "arg"));
        } catch (IOException e) {
            assertTrue(e.getMessage().contains(program), () -> "the message names the program: " + e.getMessage());
            return;
        }
        if (mode == NativeMode.OFF) {
            missing.close();
            fail("the pure-Java mode checks the program before it starts script(1)");
        }
        try (missing) {
            String output = missing.awaitEnd();
            assertEquals(ExitStatus.exited(127), missing.status());
            assertTrue(output.contains(program), () -> "the output names the program: " + output);
        }
    }

    private static void assertGone(long pid) {
        await().atMost(Transcript.PATIENCE).pollInterval(java.time.Duration.ofMillis(10)).untilAsserted(() ->
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " is still there"));
    }
}
