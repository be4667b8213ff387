package io.cloudterm.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.cli.HeapFootprint;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Trains a real cache on a real server (a jar of this build's classes, the test class path's
 * libraries), then starts a server that must use it ({@code -XX:AOTMode=on} refuses to start
 * otherwise).
 */
class AotCacheBuilderTest {

    /** What the product jar's manifest grants, given by hand to a class-path launch: as surefire gave it to this JVM. */
    private static final List<String> ACCESS = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
            .stream().filter(a -> a.startsWith("--enable-native-access") || a.startsWith("--add-opens")
                    || a.startsWith("--add-exports")).toList();

    @TempDir
    static Path dir;
    private static Path jar;

    @BeforeAll
    static void jarOfTheServer() {
        jar = dir.resolve("cloudterm.jar");
        String classes = System.getProperty("cloudterm.classes", "target/classes");
        ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow();
        assertEquals(0, tool.run(System.out, System.err, "--create", "--file", jar.toString(), "-C", classes, "."));
    }

    /** The server's class-path launch: the jar first, then every library jar (directories cannot be in a cache). */
    private static List<String> launch() {
        String libraries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar")).collect(Collectors.joining(File.pathSeparator));
        List<String> launch = new ArrayList<>(ACCESS);
        launch.addAll(List.of("-cp", jar + File.pathSeparator + libraries, "io.cloudterm.cli.CloudTerm"));
        return launch;
    }

    private record Run(int status, String output) {
    }

    private static Run build(Path cache, Path options, List<String> launch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--cache", cache.toString(), "--options", options.toString(),
                "--terminals", "24", "--"));
        args.addAll(launch);
        int status = new CommandLine(new AotCacheBuilder(new PrintStream(bytes, true, StandardCharsets.UTF_8)))
                .execute(args.toArray(String[]::new));
        return new Run(status, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void onlyJdk25AndNewerGetACache() {
        assertFalse(AotCacheBuilder.supports(Runtime.Version.parse("21.0.5")));
        assertFalse(AotCacheBuilder.supports(Runtime.Version.parse("24")));
        assertTrue(AotCacheBuilder.supports(Runtime.Version.parse("25.0.1")));
        assertTrue(AotCacheBuilder.supports(Runtime.Version.parse("26")));
    }

    @Test
    void theServerStartsFromTheTrainedCacheAndItIsRebuiltOnlyWhenAJarChanges() throws Exception {
        assumeTrue(AotCacheBuilder.supports(Runtime.version()), "this JDK has no AOT cache");
        Path cache = dir.resolve("trained.aot"), options = dir.resolve("trained.jvmopts");

        Run first = build(cache, options, launch());
        assertEquals(0, first.status(), first.output());
        assertTrue(first.output().startsWith("AOT cache: trained on 24 terminals"), first.output());
        assertTrue(Files.readAllLines(options).contains("-XX:AOTCache=" + cache.toAbsolutePath()), Files.readString(options));
        assertTrue(Files.readAllLines(options).containsAll(HeapFootprint.LAUNCH_OPTIONS), "the server's heap options too: "
                + Files.readString(options));
        assertFalse(Files.exists(Path.of(cache + "conf")), "the recording is removed");
        List<String> addresses = Files.readAllLines(Path.of(cache + ".log")).stream().filter(l -> l.contains("#token=")).toList();
        assertEquals(1, addresses.size(), "the training server printed its address once");
        assertTrue(addresses.get(0).endsWith("/#token=(hidden)"), "its access token stays out of the log: " + addresses);

        String classLoading = startWithTheCache(options);
        assertTrue(classLoading.contains("io.cloudterm.web.CloudTermServer source: shared objects file"), classLoading);

        FileTime trained = Files.getLastModifiedTime(cache);
        Run again = build(cache, options, launch());
        assertEquals("AOT cache: up to date, " + cache + "\n", again.output());
        assertEquals(trained, Files.getLastModifiedTime(cache));

        // A rebuilt jar (same bytes, new time) is a jar the JVM would refuse the cache for.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        Run rebuilt = build(cache, options, launch());
        assertTrue(rebuilt.output().startsWith("AOT cache: trained on 24 terminals"), rebuilt.output());
        startWithTheCache(options);
    }

    /** Starts the server with the options file and a cache it must use; returns the JVM's class-loading log. */
    private static String startWithTheCache(Path options) throws Exception {
        List<String> command = new ArrayList<>(List.of(AotCacheBuilder.java(), "@" + options, "-XX:AOTMode=on",
                "-Xlog:class+load=info:file=" + dir.resolve("classes.log")));
        command.addAll(launch());
        command.addAll(List.of("--port", "0", "--no-auth", "--", "cat"));
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String firstLines = readUntil(server, "serving cat at http://127.0.0.1:");
            assertTrue(firstLines.contains("serving cat at"), firstLines);
        } finally {
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS));
        }
        return Files.readString(dir.resolve("classes.log"));
    }

    private static String readUntil(Process server, String wanted) throws IOException {
        StringBuilder seen = new StringBuilder();
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            seen.append(line).append('\n');
            if (line.contains(wanted)) {
                break;
            }
        }
        return seen.toString();
    }

    @Test
    void aCommandLineThatCannotWorkExitsWith2AndWritesNothing() {
        Path cache = dir.resolve("refused.aot"), options = dir.resolve("refused.jvmopts");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine zeroTerminals = new CommandLine(new AotCacheBuilder(System.out))
                .setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        assertEquals(2, zeroTerminals.execute("--cache", cache.toString(), "--options", options.toString(), "--terminals", "0",
                "--", "-jar", jar.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--terminals and --in-flight must be at least 1"), err.toString());
        assertEquals(2, new CommandLine(new AotCacheBuilder(System.out)).setErr(new java.io.PrintWriter(new ByteArrayOutputStream()))
                .execute("--options", options.toString(), "--", "-jar", jar.toString()), "--cache is required");
        assertFalse(Files.exists(options));
        assertFalse(Files.exists(cache));
    }

    @Test
    void aTrainingThatFailsLeavesOptionsWithoutACacheAndTheBuildGoesOn() throws Exception {
        assumeTrue(AotCacheBuilder.supports(Runtime.version()), "this JDK has no AOT cache");
        Path cache = dir.resolve("failed.aot"), options = dir.resolve("failed.jvmopts");
        List<String> launch = new ArrayList<>(launch());
        launch.add("--no-such-option"); // the server refuses its command line and never prints an address

        Run run = build(cache, options, launch);
        assertEquals(0, run.status(), run.output());
        assertTrue(run.output().startsWith("AOT cache: not built, the server exited with status 2 before it printed its address"),
                run.output());
        assertTrue(run.output().endsWith("the server starts without one\n"), run.output());
        String written = Files.readString(options);
        assertTrue(written.startsWith("# No AOT cache: the training failed"), written);
        assertFalse(written.contains("-XX:AOTCache"), written);
        assertTrue(Files.readAllLines(options).containsAll(HeapFootprint.LAUNCH_OPTIONS), "the heap options stand without a cache: "
                + written);
        assertFalse(Files.exists(cache));
    }
}
