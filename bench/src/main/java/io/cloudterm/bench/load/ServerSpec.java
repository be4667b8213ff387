package io.cloudterm.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How to start the server under test, and where the report goes: the options every scenario takes. */
final class ServerSpec {

    /** What the jar's manifest grants; given by hand when the server runs from a class path. */
    private static final List<String> ACCESS = List.of("--enable-native-access=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
    private static final String MAIN_CLASS = "io.cloudterm.cli.CloudTerm";
    /** Written by {@code package} beside the jar (io.cloudterm.aot.AotCacheBuilder). */
    static final String JVM_OPTIONS = "cloudterm.jvmopts";

    @Option(names = "--jar", description = "the server's jar (default: ${DEFAULT-VALUE})", defaultValue = "target/cloudterm.jar")
    Path jar;

    @Option(names = "--server-classpath", description = "run the server from this class path instead of --jar (the tests do: there is no jar yet)")
    String classpath;

    @Option(names = "--java", description = "the java that runs the server (default: the one running this driver)")
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");

    @Option(names = "--native", description = "pty implementation of the server: on (FFM) or off (pure Java, script(1)); default ${DEFAULT-VALUE}",
            defaultValue = "on")
    String nativeMode;

    @Option(names = "--server-opt", description = "an extra JVM option for the server (repeatable), e.g. --server-opt=-Xmx512m")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--nmt", description = "start the server with Native Memory Tracking and report where its memory went, by category")
    boolean nmt;

    @Option(names = "--histogram", description = "also report the live heap each terminal/connection adds, by class"
            + " (jcmd GC.class_histogram at each memory reading)")
    boolean histogram;

    @Option(names = "--no-gc", description = "do not ask the server for a full GC (jcmd GC.run) before each memory reading")
    boolean noGc;

    @Option(names = "--no-settle", description = "take each memory reading at once, not after the server has gone quiet"
            + " and the JVM has freed its compilers' memory (the smoke tests do, to stay short)")
    boolean noSettle;

    @Option(names = "--no-aot-cache", description = "start the server without the JVM options file that `package` writes"
            + " beside the jar (" + JVM_OPTIONS + ": the AOT cache on JDK 25+), which the README's start command uses")
    boolean noAotCache;

    @Option(names = "--json", description = "also write the results to this file as JSON")
    Path json;

    /** The whole command line: JVM, its options, the server's options, {@code --}, the command. */
    List<String> command(List<String> serverOptions, List<String> terminalCommand) {
        List<String> c = launcher();
        c.addAll(List.of("--port", "0", "--no-auth", "--native", nativeMode));
        c.addAll(serverOptions);
        c.add("--");
        c.addAll(terminalCommand);
        return c;
    }

    /**
     * The JVM with its options and the server's jar (or class path and main class): what every
     * server command of a run starts with, whatever its arguments (a gateway's, a host's).
     */
    List<String> launcher() {
        if (!nativeMode.equals("on") && !nativeMode.equals("off")) {
            throw new IllegalArgumentException("--native must be on or off, not " + nativeMode);
        }
        List<String> c = new ArrayList<>(List.of(java.toString()));
        c.addAll(jvmOptions);
        if (nmt) {
            c.add("-XX:NativeMemoryTracking=summary");
        }
        if (classpath != null) {
            c.addAll(ACCESS);
            c.addAll(List.of("-cp", classpath, MAIN_CLASS));
        } else {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("no server jar at " + jar + ": build it (./mvnw -q -DskipTests package"
                        + " -Dbuild.dir=DIR) and pass --jar DIR/cloudterm.jar");
            }
            jvmOptionsFile().ifPresent(file -> c.add("@" + file));
            c.addAll(List.of("-jar", jar.toString()));
        }
        return c;
    }

    /** The start command's JVM options file, when the server runs from a jar that has one and --no-aot-cache is not given. */
    Optional<Path> jvmOptionsFile() {
        Path file = jar.toAbsolutePath().resolveSibling(JVM_OPTIONS);
        return classpath == null && !noAotCache && Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    String mode() {
        return nativeMode.equals("on") ? "native" : "pure-Java";
    }
}
