package io.cloudterm.aot;

import io.cloudterm.cli.HeapFootprint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Builds the AOT cache for a server launch and writes the JVM options file that the start
 * command passes to java ({@code java @cloudterm.jvmopts -jar cloudterm.jar}). On a JDK 25 or
 * newer the cache holds the classes the server loads, already linked, and the method profiles of
 * a training run (JEP 483, 514, 515), so a fresh server reaches its warm speed sooner. Elsewhere,
 * or when the training fails, the file names no cache and the server starts as it would without
 * one: the cache is an optimization, so the build goes on, saying why. Either way the file holds
 * the server's launch-time heap options ({@link HeapFootprint#LAUNCH_OPTIONS}), and the training
 * runs with them, so that the cache is made in the heap it is used in.
 */
@Command(name = "aot-cache", mixinStandardHelpOptions = true,
        description = "Train and write the JDK 25+ AOT cache for a server launch, and the JVM options file naming it.")
public final class AotCacheBuilder implements Callable<Integer> {

    private static final Duration CREATE = Duration.ofSeconds(120);

    /** The first JDK whose AOT cache keeps method profiles (JEP 515), which is what makes it worth a training run. */
    static final int FIRST_JDK = 25;

    @Option(names = "--cache", required = true, description = "the cache file to write")
    Path cache;

    @Option(names = "--options", required = true, description = "the JVM options file to write (for java @FILE)")
    Path options;

    @Option(names = "--terminals", defaultValue = "400", description = "terminals the training opens (default ${DEFAULT-VALUE})")
    int terminals;

    @Option(names = "--in-flight", defaultValue = "16", description = "terminals opening at once (default ${DEFAULT-VALUE})")
    int inFlight;

    @Parameters(arity = "1..*", paramLabel = "LAUNCH", description = "java's arguments that start the server, e.g. -jar cloudterm.jar")
    List<String> launch;

    @Spec
    CommandSpec command;

    private final PrintStream out;

    AotCacheBuilder(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new AotCacheBuilder(System.out)).execute(args));
    }

    /** True for a JDK that can write and use an AOT cache with the options this class writes. */
    static boolean supports(Runtime.Version jdk) {
        return jdk.feature() >= FIRST_JDK;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (terminals < 1 || inFlight < 1) {
            throw new CommandLine.ParameterException(command.commandLine(), "--terminals and --in-flight must be at least 1");
        }
        if (!supports(Runtime.version())) {
            writeOptions(List.of("# No AOT cache: Java " + Runtime.version().feature() + " has none that the server can use (JDK "
                    + FIRST_JDK + "+)."));
            out.println("AOT cache: none on Java " + Runtime.version().feature() + " (it takes JDK " + FIRST_JDK
                    + "+); the server starts without one");
            return 0;
        }
        String inputs = "# inputs " + CacheInputs.of(launch).fingerprint();
        List<String> expected = new ArrayList<>(List.of(inputs, javaLine()));
        expected.addAll(HeapFootprint.LAUNCH_OPTIONS);
        if (Files.isRegularFile(cache) && Files.isRegularFile(options) && Files.readAllLines(options).containsAll(expected)) {
            out.println("AOT cache: up to date, " + cache);
            return 0;
        }
        Path log = Path.of(cache + ".log");
        try {
            long t0 = System.nanoTime();
            train(log);
            writeOptions(List.of("# The AOT cache of a training run, for this JDK and these jars (see " + log.getFileName() + ").",
                    inputs, "-XX:AOTCache=" + cache.toAbsolutePath()));
            out.printf("AOT cache: trained on %d terminals in %.1f s, %s (%d MB); %s names it%n", terminals,
                    (System.nanoTime() - t0) / 1e9, cache, Files.size(cache) >> 20, options.getFileName());
        } catch (IOException e) {
            Files.deleteIfExists(cache);
            writeOptions(List.of("# No AOT cache: the training failed (see " + log.getFileName() + ")."));
            out.println("AOT cache: not built, " + e.getMessage() + "; the server starts without one");
        }
        return 0;
    }

    /**
     * Records a training run, then creates the cache from the recording in a JVM of its own; the
     * cache is written beside the old one and put in place only when whole.
     */
    private void train(Path log) throws IOException, InterruptedException {
        Path recording = Path.of(cache + "conf");
        Path fresh = Path.of(cache + ".new");
        Files.deleteIfExists(recording);
        Files.deleteIfExists(fresh);
        try {
            try (TrainingRun run = TrainingRun.start(recording, serverLaunch(), terminals, log)) {
                TrainingClient browser = new TrainingClient(run.base());
                String token = browser.logIn(run.accessToken());
                browser.useTerminals(token, terminals, inFlight);
                if (!run.stop()) {
                    throw new IOException("the server did not stop and write its recording in time");
                }
            }
            if (!Files.isRegularFile(recording)) {
                throw new IOException("the server stopped without writing its recording (see " + log.getFileName() + ")");
            }
            create(recording, fresh, log);
            Files.move(fresh, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(recording);
            Files.deleteIfExists(fresh);
        }
    }

    /** {@code java -XX:AOTMode=create}: reads the recording, writes the cache, runs nothing. */
    private void create(Path recording, Path fresh, Path log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:AOTMode=create", "-XX:AOTConfiguration=" + recording,
                "-XX:AOTCache=" + fresh));
        command.addAll(serverLaunch());
        Process creating = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!creating.waitFor(CREATE.toSeconds(), TimeUnit.SECONDS)) {
            creating.destroyForcibly();
            throw new IOException("creating the cache took longer than " + CREATE.toSeconds() + " s");
        }
        if (creating.exitValue() != 0 || !Files.isRegularFile(fresh)) {
            throw new IOException("creating the cache failed, exit " + creating.exitValue() + " (see " + log.getFileName() + ")");
        }
    }

    /** The java of this JVM: the cache is only good for the JDK that made it. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The launch as the start command makes it: the heap options of the options file first. */
    private List<String> serverLaunch() {
        List<String> all = new ArrayList<>(HeapFootprint.LAUNCH_OPTIONS);
        all.addAll(launch);
        return all;
    }

    /**
     * Writes the options file with a line naming this JVM's java (the launcher script passes the file
     * only to that java, since another JDK refuses the cache and one before 25 fails on the option)
     * and the server's heap options after {@code lines}.
     */
    private void writeOptions(List<String> lines) throws IOException {
        List<String> all = new ArrayList<>(lines);
        all.add(1, javaLine());
        all.addAll(HeapFootprint.LAUNCH_OPTIONS);
        Files.write(options, all, StandardCharsets.UTF_8);
    }

    /** A comment for java, which the launcher reads: {@code # java /path/to/bin/java}. */
    static String javaLine() {
        return "# java " + java();
    }
}
