package io.cloudterm.pty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.testkit.CommandLines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What only the pure-Java pty has to get right: quoting for sh, script(1)'s exit codes, its processes. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hung pty must fail the test, not stop the run
class ScriptPtyTest {

    private static final ScriptPtySystem SYSTEM = new ScriptPtySystem();

    @Test
    void quotedWordsComeOutOfShUnchanged() throws Exception {
        List<String> words = List.of("plain", "two words", "it's", "''", "\"$HOME\"", "`id`", "$(id)", "\\",
                "a\nb", "; rm -rf /", "*", "~", "!", "-n", "", "ünïcødé");
        for (String word : words) {
            Process sh = new ProcessBuilder("/bin/sh", "-c", "printf %s " + ScriptCommand.quote(word))
                    .redirectErrorStream(true).start();
            String printed = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, sh.waitFor());
            assertEquals(word, printed);
        }
    }

    @Test
    void wordWithNulIsRefused() {
        assertThrows(IOException.class, () -> ScriptCommand.quote("a\0b"));
    }

    /**
     * script(1) keeps its argv, the wrapper included, for the terminal's whole life, and every
     * local user can read it in /proc/PID/cmdline: the environment must not be in it.
     */
    @Test
    void theEnvironmentIsInNoCommandLine() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "reads command lines in /proc");
        String secret = "s3cret-" + java.util.UUID.randomUUID();
        Map<String, String> environment = Map.of("PATH", "/usr/bin:/bin", "TERM", "xterm-256color",
                "CLOUDTERM_USER", "alice", "API_TOKEN", secret);
        PtySpec spec = new PtySpec(List.of("sh", "-c", "printenv API_TOKEN CLOUDTERM_USER TERM; exec cat"),
                Path.of("").toAbsolutePath(), environment, 80, 24);
        try (Transcript child = Transcript.start(SYSTEM, spec)) {
            child.awaitText(secret + "\r\nalice\r\nxterm-256color");
            List<String> commandLines = CommandLines.ofDescendants();
            assertTrue(commandLines.stream().anyMatch(line -> line.contains("script")), commandLines.toString());
            for (String line : commandLines) {
                assertFalse(line.contains(secret) || line.contains("CLOUDTERM_USER=") || line.contains("TERM="),
                        "the environment in a command line: " + line);
            }
        }
    }


    @Test
    void eachScriptFlavourGetsTheWrapperItsOwnWay() throws Exception {
        PtySpec spec = Transcript.spec(List.of("top", "-d", "1"));
        ScriptTools linux = new ScriptTools(ScriptTools.Flavour.UTIL_LINUX, "/usr/bin/script", "/bin/sh",
                "/bin/stty", "/usr/bin/tty", "/usr/bin/env", "/bin/kill");
        ScriptTools bsd = new ScriptTools(ScriptTools.Flavour.BSD, "/usr/bin/script", "/bin/sh",
                "/bin/stty", "/usr/bin/tty", "/usr/bin/env", "/bin/kill");
        String wrapper = ScriptCommand.wrapper(linux, spec);
        assertEquals(List.of("/usr/bin/script", "-qfec", wrapper, "/dev/null"), ScriptCommand.commandLine(linux, spec));
        assertEquals(List.of("/usr/bin/script", "-q", "/dev/null", "/bin/sh", "-c", wrapper),
                ScriptCommand.commandLine(bsd, spec));
        assertTrue(wrapper.endsWith("; exec '/usr/bin/env' '-u' 'PWD' '-u' 'OLDPWD' '-u' 'SHLVL' '-u' '_' '-u' 'SHELL'"
                + " '--' 'top' '-d' '1'"), wrapper);
        assertTrue(wrapper.contains("'/bin/stty' rows 24 cols 80;"), wrapper);
    }

    @Test
    void childExitingWith130IsNotMistakenForASignal() throws Exception {
        try (Transcript shell = Transcript.start(SYSTEM, Transcript.spec(List.of("sh", "-c", "exit 130")))) {
            assertEquals(ExitStatus.exited(130), shell.status());
        }
    }

    @Test
    void terminateSignalIsReportedAsTheSignal() throws Exception {
        try (Transcript sleep = Transcript.start(SYSTEM, Transcript.spec(List.of("sleep", "100")))) {
            sleep.pty.signalGroup(Signal.TERM);
            assertEquals(ExitStatus.killedBy(15), sleep.status());
        }
    }

    @Test
    void blockedReaderParksInsteadOfPinningItsCarrier() throws Exception {
        try (Pty cat = SYSTEM.spawn(Transcript.spec(List.of("cat")))) {
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    cat.read(ByteBuffer.allocate(64));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // A virtual thread blocked in a pipe read holds its carrier and shows as RUNNABLE;
            // one parked on a queue shows as WAITING.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (reader.getState() != Thread.State.WAITING) {
                if (System.nanoTime() > deadline) {
                    fail("the reader is " + reader.getState() + ", not parked");
                }
                Thread.sleep(5);
            }
            cat.signalGroup(Signal.KILL);
            reader.join(5000);
        }
    }

    @Test
    void missingDirectoryIsNamed(@TempDir Path temp) {
        Path missing = temp.resolve("gone");
        PtySpec spec = new PtySpec(List.of("true"), missing, Map.of("PATH", "/usr/bin:/bin"), 80, 24);
        IOException e = assertThrows(IOException.class, () -> SYSTEM.spawn(spec));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void programIsFoundOnTheSpecsPathNotOurs(@TempDir Path temp) throws Exception {
        Path program = temp.resolve("hello-cloudterm");
        Files.writeString(program, "#!/bin/sh\necho hello from $0\n");
        assertTrue(program.toFile().setExecutable(true));
        PtySpec spec = new PtySpec(List.of("hello-cloudterm"), temp, Map.of("PATH", temp + ":/usr/bin:/bin"), 80, 24);
        try (Transcript hello = Transcript.start(SYSTEM, spec)) {
            assertTrue(hello.awaitEnd().startsWith("hello from "), hello.lines());
        }
    }

    @Test
    void nothingIsLeftBehind() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts open files in /proc");
        run(List.of("true")); // the first start loads classes and opens jars: not a leak
        long descriptors = openDescriptors();
        Set<Long> processes = descendants();
        Set<String> pumps = pumps();
        for (int i = 0; i < 5; i++) {
            run(List.of("sh", "-c", "echo $$"));
        }
        try (Transcript killed = Transcript.start(SYSTEM, Transcript.spec(List.of("sleep", "100")))) {
            killed.pty.signalGroup(Signal.KILL);
            killed.status();
        }
        // close() alone, no signal: ending script hangs up the pty, and the hang-up ends cat
        Pty closed = SYSTEM.spawn(Transcript.spec(List.of("cat")));
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                ByteBuffer dropped = ByteBuffer.allocate(64);
                while (closed.read(dropped.clear()) >= 0) {
                    // cat prints nothing; the read waits until close()
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        closed.close();
        reader.join(5000);
        long deadline = System.nanoTime() + 5_000_000_000L;
        // Fewer descriptors than before is not a leak: something of an earlier test may close meanwhile.
        while (openDescriptors() > descriptors || !processes.containsAll(descendants()) || !pumps.containsAll(pumps())) {
            if (System.nanoTime() > deadline) {
                Set<Long> newProcesses = descendants();
                newProcesses.removeAll(processes);
                Set<String> newPumps = pumps();
                newPumps.removeAll(pumps);
                fail("left behind: " + (openDescriptors() - descriptors) + " file descriptors, processes "
                        + newProcesses.stream().map(pid -> pid + " " + ProcessHandle.of(pid)
                                .flatMap(p -> p.info().commandLine()).orElse("?")).toList()
                        + ", threads " + newPumps);
            }
            Thread.sleep(20);
        }
    }

    private static Set<Long> descendants() {
        return ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toCollection(HashSet::new));
    }

    private static Set<String> pumps() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("pty-output-")).collect(Collectors.toCollection(HashSet::new));
    }

    private static void run(List<String> command) throws Exception {
        try (Transcript transcript = Transcript.start(SYSTEM, Transcript.spec(command))) {
            transcript.awaitEnd();
            assertEquals(ExitStatus.exited(0), transcript.status());
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
