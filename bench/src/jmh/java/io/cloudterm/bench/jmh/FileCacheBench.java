package io.cloudterm.bench.jmh;

import io.cloudterm.files.Body;
import io.cloudterm.files.FileCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * The cache hit path of {@link FileCache#bytes}: a random one of 1,000 files of 4 KiB, all held,
 * with the attributes the caller has already read (as the files route does, for its headers), on
 * one thread and on two at once ({@code Contended}).
 *
 * <p>References, in the same run: {@code ref_readAttributes} (the stat every request pays before
 * asking the cache, for scale) and {@code ref_readFile} (open, read into a direct buffer, close:
 * what a hit saves, and what a miss costs on top of the lookup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FileCacheBench {

    private static final int FILES = 1000;
    private static final int FILE_BYTES = 4 * 1024;

    private Path dir;
    private Path[] paths;
    private BasicFileAttributes[] attributes;
    private FileCache cache;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("file-cache-bench");
        paths = new Path[FILES];
        attributes = new BasicFileAttributes[FILES];
        cache = FileCache.withDefaults();
        byte[] content = new byte[FILE_BYTES];
        for (int i = 0; i < FILES; i++) {
            content[0] = (byte) i;
            paths[i] = Files.write(dir.resolve("f" + i + ".js"), content);
            attributes[i] = Files.readAttributes(paths[i], BasicFileAttributes.class);
            cache.bytes(paths[i], attributes[i]).orElseThrow();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Benchmark
    public Optional<Body.MemoryBody> hit() throws IOException {
        int i = ThreadLocalRandom.current().nextInt(FILES);
        return cache.bytes(paths[i], attributes[i]);
    }

    @Benchmark
    @Threads(2)
    public Optional<Body.MemoryBody> hitContended() throws IOException {
        int i = ThreadLocalRandom.current().nextInt(FILES);
        return cache.bytes(paths[i], attributes[i]);
    }

    @Benchmark
    public BasicFileAttributes ref_readAttributes() throws IOException {
        return Files.readAttributes(paths[ThreadLocalRandom.current().nextInt(FILES)], BasicFileAttributes.class);
    }

    @Benchmark
    public ByteBuffer ref_readFile() throws IOException {
        try (FileChannel channel = FileChannel.open(paths[ThreadLocalRandom.current().nextInt(FILES)], StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocateDirect(FILE_BYTES);
            while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                // until full
            }
            return bytes.flip();
        }
    }
}
