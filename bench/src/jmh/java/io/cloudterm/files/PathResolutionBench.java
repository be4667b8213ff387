package io.cloudterm.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What every request for a shared file pays before a byte is sent: {@link RequestPath#parse}
 * (strict decoding and the name checks) of a plain path, of one with escapes and UTF-8, and of
 * a hostile one (refused at its first segment); {@link FileRoot#resolve} of a file three
 * directories down (parsing plus the file system's answer: the real path and the attributes).
 *
 * <p>References, in the same run: {@code ref_toRealPath} (the JDK's realpath of the same file
 * alone: the system calls no safe resolution can skip) and {@code ref_uriNormalize}
 * ({@link java.net.URI#normalize} of the same path: what a lexical-only check would cost, which
 * would not see links).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class PathResolutionBench {

    static final String PLAIN = "releases/2026/cloudterm-1.2.3.tar.gz";
    static final String ENCODED = "build%20logs/caf%C3%A9/r%C3%A9sum%C3%A9%20final.txt";
    static final String HOSTILE = "..%2f..%2f..%2fetc%2fpasswd";

    Path base;
    FileRoot root;
    Path file;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        base = Files.createTempDirectory("path-resolution-bench");
        file = Files.createDirectories(base.resolve("releases/2026")).resolve("cloudterm-1.2.3.tar.gz");
        Files.writeString(file, "not really a tarball");
        root = new FileRoot(base, false, false);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> paths = Files.walk(base)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    public RequestPath.Parsed parsePlain() {
        return RequestPath.parse(PLAIN, false);
    }

    @Benchmark
    public RequestPath.Parsed parseEncoded() {
        return RequestPath.parse(ENCODED, false);
    }

    @Benchmark
    public RequestPath.Parsed parseHostile() {
        return RequestPath.parse(HOSTILE, false);
    }

    @Benchmark
    public FileRoot.Resolution resolveFile() {
        return root.resolve(PLAIN);
    }

    @Benchmark
    public Path ref_toRealPath() throws IOException {
        return file.toRealPath();
    }

    @Benchmark
    public java.net.URI ref_uriNormalize() {
        return java.net.URI.create("/files/" + PLAIN).normalize();
    }
}
