package io.cloudterm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code target/cloudterm}, the launcher the README's commands use: it runs the jar on a Java 21+
 * even where the java on PATH is older, says what to install when there is none, and hands the AOT
 * options file only to the java that wrote it.
 */
class LauncherTest {

    @TempDir
    static Path dir;
    private static Installation installation;

    @BeforeAll
    static void install() throws Exception {
        installation = Installation.in(dir);
    }

    @Test
    void onAPathWhoseJavaIs17TheServerStartsOnANewerJdk() throws Exception {
        Map<String, String> env = installation.environment();
        env.put("CLOUDTERM_JDK_DIRS", installation.oldJdk.getParent() + " " + installation.jdksWithTheTestJdk());
        Process server = installation.start(env, "--port", "0", "--", "sh");
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> Installation.read(server.getErrorStream()));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("CloudTerm ") && first.contains(" serving sh at http://127.0.0.1:"),
                    () -> first + "\n" + (server.isAlive() ? "" : err.join()));
            assertTrue(out.readLine().startsWith("Open this address"));
        } finally {
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server stops on SIGTERM");
        }
        assertFalse(err.get(10, TimeUnit.SECONDS).contains("UnsupportedClassVersionError"), err.get());
    }

    @Test
    void withNoJava21AnywhereItSaysWhatToInstall() throws Exception {
        Map<String, String> env = installation.environment();
        env.put("CLOUDTERM_JDK_DIRS", installation.oldJdk.getParent().toString());
        Installation.Run run = installation.run(env, "--version");
        assertEquals(2, run.status(), run.toString());
        assertEquals("", run.out());
        List<String> lines = run.err().lines().toList();
        assertEquals("cloudterm: CloudTerm needs Java 21 or newer and found none (java on PATH is 17: "
                + installation.oldJdk.resolve("bin/java") + ").", lines.get(0));
        assertTrue(lines.get(1).startsWith("Install a JDK 21+ ("), run.err());
        assertTrue(lines.get(1).endsWith("or set JAVA_HOME or CLOUDTERM_JAVA to one."), run.err());
        assertEquals(2, lines.size(), run.err());
    }

    @Test
    void anOldJavaHomeIsPassedOverAndAnOldCloudtermJavaRefused() throws Exception {
        Map<String, String> env = installation.environment();
        env.put("CLOUDTERM_JDK_DIRS", installation.jdksWithTheTestJdk().toString());
        env.put("JAVA_HOME", installation.oldJdk.toString());
        Installation.Run passedOver = installation.run(env, "--version");
        assertEquals(0, passedOver.status(), passedOver.toString());
        assertTrue(passedOver.out().startsWith("CloudTerm "), passedOver.toString());

        env.put("CLOUDTERM_JAVA", installation.oldJdk.resolve("bin/java").toString());
        Installation.Run refused = installation.run(env, "--version");
        assertEquals(new Installation.Run(2, "", "cloudterm: CLOUDTERM_JAVA=" + installation.oldJdk.resolve("bin/java")
                + " is not a Java 21 or newer (it is: 17)\n"), refused);
    }

    @Test
    void theAotOptionsGoOnlyToTheJavaThatWroteThem(@TempDir Path jdks) throws Exception {
        Path mine = fakeJdk(jdks.resolve("jdk-25"), "25.0.1");
        Path other = fakeJdk(jdks.resolve("jdk-21"), "21.0.5");
        Path options = installation.dir.resolve("cloudterm.jvmopts");
        try {
            Files.writeString(options, "# The AOT cache of a training run\n# java " + mine + "\n-XX:AOTCache=/x.aot\n");
            Map<String, String> env = installation.environment();
            env.put("CLOUDTERM_JDK_DIRS", jdks.toString());

            env.put("CLOUDTERM_JAVA", mine.toString());
            assertEquals("@" + options + " -jar " + installation.dir.resolve("cloudterm.jar") + " --version",
                    installation.run(env, "--version").out().strip());
            env.put("CLOUDTERM_JAVA", other.toString());
            assertEquals("-jar " + installation.dir.resolve("cloudterm.jar") + " --version",
                    installation.run(env, "--version").out().strip());

            env.remove("CLOUDTERM_JAVA");
            assertTrue(installation.run(env, "x").out().startsWith("@"), "with no other choice, the java that built the jar");
        } finally {
            Files.delete(options);
        }
    }

    @Test
    void javaRunsWithTwoMallocArenasUnlessTheOperatorSaidOtherwise(@TempDir Path jdks) throws Exception {
        Path java = fakeJdk(jdks.resolve("jdk-25"), "25.0.1");
        Files.writeString(java, "#!/bin/sh\necho \"arenas ${MALLOC_ARENA_MAX-unset}\"\n");
        Map<String, String> env = installation.environment();
        env.put("CLOUDTERM_JAVA", java.toString());
        assertEquals("arenas 2", installation.run(env, "--version").out().strip());
        env.put("MALLOC_ARENA_MAX", "8");
        assertEquals("arenas 8", installation.run(env, "--version").out().strip());
    }

    /** A JDK directory whose java prints its arguments. */
    private static Path fakeJdk(Path home, String version) throws Exception {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        Installation.executable(java);
        return java;
    }
}
