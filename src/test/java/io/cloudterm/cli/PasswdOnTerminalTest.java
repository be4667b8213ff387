package io.cloudterm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.auth.PasswordHashes;
import io.cloudterm.platform.Platform;
import io.cloudterm.pty.ExitStatus;
import io.cloudterm.pty.NativeMode;
import io.cloudterm.pty.Pty;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code passwd} typed at a real terminal, as people run it: through the launcher, and through the
 * build's {@code exec:exec}. The password never appears on the screen, and is the one saved.
 */
class PasswdOnTerminalTest {

    private static final String PASSWORD = "Tty-s3cret-never-shown";
    /** Maven starts a JVM of its own first: patience for a loaded machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(180);

    @TempDir
    static Path dir;
    private static Installation installation;
    private static Platform platform;
    private static PtySystem ptys;

    @BeforeAll
    static void install() throws Exception {
        installation = Installation.in(dir);
        // What `package` writes on a JDK without an AOT cache: the build's exec:exec passes it to java.
        Files.writeString(installation.dir.resolve("cloudterm.jvmopts"), "# No AOT cache here.\n");
        platform = Platform.select(NativeMode.AUTO);
        ptys = platform.ptys();
    }

    @AfterAll
    static void close() throws Exception {
        platform.close();
    }

    @Test
    void theLauncherAsksWithoutEcho() throws Exception {
        Map<String, String> env = installation.environment();
        env.put("CLOUDTERM_JDK_DIRS", installation.jdksWithTheTestJdk().toString());
        env.put("TERM", "xterm");
        Path users = dir.resolve("launcher.htpasswd");
        typePasswordTwice(List.of(installation.launcher.toString(), "passwd", "--cost", "4", users.toString(), "alice"),
                installation.dir, env, users);
    }

    @Test
    void theBuildsExecGoalAsksWithoutEcho() throws Exception {
        Path basedir = Installation.SCRIPT.getParent().getParent().getParent().getParent();
        Path users = dir.resolve("maven.htpasswd");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        // As in a user's shell: Maven on the default java, the toolchains plugin finding the JDK 22+.
        // (Surefire's JAVA_HOME is the toolchain's JDK; Maven on it would select no toolchain, and
        // exec:exec would take the java on PATH.)
        env.remove("JAVA_HOME");
        env.put("TERM", "xterm");
        // The README's exec:exec, on the jar laid out here: -Dbuild.dir points the build at it, and the
        // toolchain is selected as `package` would, without building anything.
        typePasswordTwice(List.of(basedir.resolve("mvnw").toString(), "-q", "-B", "-Dbuild.dir=" + installation.dir,
                        "-Dtoolchain.jdk.version=[22,)", "toolchains:select-jdk-toolchain", "exec:exec",
                        "-Dcloudterm.args=passwd --cost 4 " + users + " alice"),
                basedir, env, users);
    }

    private static void typePasswordTwice(List<String> command, Path cwd, Map<String, String> env, Path users) throws Exception {
        try (Screen screen = new Screen(ptys.spawn(new PtySpec(command, cwd, env, 100, 30)))) {
            screen.await("New password for alice: ");
            screen.typeOnceEchoIsOff(PASSWORD + "\r");
            screen.await("Retype the password: ");
            screen.typeOnceEchoIsOff(PASSWORD + "\r");
            screen.await("user alice added");
            assertEquals(ExitStatus.exited(0), screen.exit(), screen.text());
            assertFalse(screen.text().contains(PASSWORD), () -> "the password was echoed:\n" + screen.text());
            assertFalse(screen.text().contains("Tty-s3"), () -> "part of the password was echoed:\n" + screen.text());
        }
        String line = Files.readString(users).strip();
        assertTrue(line.startsWith("alice:$2y$04$"), line);
        assertTrue(PasswordHashes.matches(PASSWORD.toCharArray(), line.substring("alice:".length())), line);
    }

    /** What a person at the terminal sees, read as it comes. */
    private static final class Screen implements AutoCloseable {
        private final Pty pty;
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final Thread reader;

        Screen(Pty pty) {
            this.pty = pty;
            this.reader = Thread.ofVirtual().start(this::read);
        }

        private void read() {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            try {
                while (pty.read(buffer.clear()) >= 0) {
                    synchronized (seen) {
                        seen.write(buffer.array(), 0, buffer.position());
                        seen.notifyAll();
                    }
                }
            } catch (java.io.IOException e) {
                // the pty ended
            }
            synchronized (seen) {
                seen.notifyAll();
            }
        }

        String text() {
            synchronized (seen) {
                return seen.toString(StandardCharsets.UTF_8);
            }
        }

        void await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            synchronized (seen) {
                while (!text().contains(text)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || (!reader.isAlive() && !text().contains(text))) {
                        throw new AssertionError("not seen in " + PATIENCE.toSeconds() + " s: " + text + "\nscreen:\n" + text());
                    }
                    seen.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 1_000_000_000L))));
                }
            }
        }

        void type(String keys) throws java.io.IOException {
            pty.write(ByteBuffer.wrap(keys.getBytes(StandardCharsets.UTF_8)));
        }

        /**
         * Types once the program has turned the terminal's echo off, as a person does after reading
         * the prompt: a password reader may flush input typed before that (the prompt comes first),
         * and a test that typed at once would wait for a prompt that never comes.
         */
        void typeOnceEchoIsOff(String keys) throws java.io.IOException {
            Path terminal = Files.readSymbolicLink(Path.of("/proc", Long.toString(pty.pid()), "fd", "0"));
            if (terminal.startsWith("/dev/pts")) { // the native pty; script(1)'s child is one process further
                org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> echoIsOff(terminal));
            }
            type(keys);
        }

        private static boolean echoIsOff(Path terminal) throws Exception {
            Process stty = new ProcessBuilder("stty", "-F", terminal.toString(), "-a").redirectErrorStream(true).start();
            String settings = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return stty.waitFor() == 0 && java.util.Arrays.asList(settings.split("\\s+")).contains("-echo");
        }

        ExitStatus exit() throws Exception {
            reader.join(PATIENCE);
            return pty.onExit().toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            pty.close();
        }
    }

}
