package io.cloudterm.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCacheTest {

    private static final int KIB = 1024;

    @TempDir
    Path dir;

    @Test
    void aSecondRequestIsAnsweredFromMemory() throws IOException {
        FileCache cache = new FileCache(64 * KIB, 16 * KIB);
        Path file = file("hello.txt", 1000, 1);

        assertArrayEquals(Files.readAllBytes(file), bytesOf(cache, file).orElseThrow());
        assertArrayEquals(Files.readAllBytes(file), bytesOf(cache, file).orElseThrow());
        assertEquals(1, cache.reads());
        assertEquals(1, cache.hits());
    }

    @Test
    void aFileWithAnotherSizeIsReadAgain() throws IOException {
        FileCache cache = new FileCache(64 * KIB, 16 * KIB);
        Path file = file("log.txt", 1000, 1);
        bytesOf(cache, file);
        FileTime modified = Files.getLastModifiedTime(file);

        Files.write(file, pattern(1200, 2));
        Files.setLastModifiedTime(file, modified); // only the size tells
        assertArrayEquals(pattern(1200, 2), bytesOf(cache, file).orElseThrow());
        assertEquals(2, cache.reads());
    }

    @Test
    void aFileModifiedSinceIsReadAgainEvenAtTheSameSize() throws IOException {
        FileCache cache = new FileCache(64 * KIB, 16 * KIB);
        Path file = file("app.js", 1000, 1);
        bytesOf(cache, file);

        Files.write(file, pattern(1000, 2));
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        assertArrayEquals(pattern(1000, 2), bytesOf(cache, file).orElseThrow());
        assertEquals(2, cache.reads());
    }

    @Test
    void aFileReplacedByRenameIsANewFileEvenWithTheSameSizeAndTime() throws IOException {
        FileCache cache = new FileCache(64 * KIB, 16 * KIB);
        Path file = file("release.tar", 1000, 1);
        bytesOf(cache, file);
        Path next = file("release.tar.new", 1000, 2);
        Files.setLastModifiedTime(next, Files.getLastModifiedTime(file));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        assertArrayEquals(pattern(1000, 2), bytesOf(cache, file).orElseThrow());
        assertEquals(2, cache.reads());
    }

    @Test
    void filesAboveThePerFileLimitAreNeverHeld() throws IOException {
        FileCache cache = new FileCache(64 * KIB, 16 * KIB);
        Path large = file("large.bin", 16 * KIB + 1, 1);
        Path limit = file("limit.bin", 16 * KIB, 1);

        assertEquals(Optional.empty(), bytesOf(cache, large));
        assertTrue(bytesOf(cache, limit).isPresent());
        cache.cleanUp();
        assertEquals(16 * KIB, cache.heldBytes());
    }

    @Test
    void aFileThatGrewPastThePerFileLimitIsLetGo() throws IOException {
        FileCache cache = new FileCache(64 * KIB, 16 * KIB);
        Path file = file("growing.log", 10 * KIB, 1);
        bytesOf(cache, file);
        Files.write(file, pattern(20 * KIB, 1));

        assertEquals(Optional.empty(), bytesOf(cache, file));
        cache.cleanUp();
        assertEquals(0, cache.heldBytes());
    }

    @Test
    void theBytesHeldNeverExceedTheBudget() throws IOException {
        FileCache cache = new FileCache(40 * KIB, 16 * KIB);
        for (int i = 0; i < 50; i++) {
            Path file = file("f" + i, 3 * KIB + i * 100, i);
            bytesOf(cache, file);
            cache.cleanUp();
            assertTrue(cache.heldBytes() <= 40 * KIB, "after file " + i + ": " + cache.heldBytes());
        }
        assertTrue(cache.heldBytes() > 30 * KIB, "the budget is used, not left empty: " + cache.heldBytes());
    }

    @Test
    void aViewHandedOutStaysWholeAfterItsFileIsEvicted() throws IOException {
        FileCache cache = new FileCache(8 * KIB, 8 * KIB);
        Path first = file("first", 8 * KIB, 1);
        ByteBuffer sending = cache.bytes(first, attributes(first)).orElseThrow().bytes();
        sending.position(100); // a response part-way through

        for (int i = 0; i < 20; i++) {
            bytesOf(cache, file("other" + i, 8 * KIB, 10 + i));
        }
        cache.cleanUp();
        assertTrue(cache.heldBytes() <= 8 * KIB);
        byte[] rest = new byte[sending.remaining()];
        sending.get(rest);
        byte[] expected = pattern(8 * KIB, 1);
        assertArrayEquals(java.util.Arrays.copyOfRange(expected, 100, expected.length), rest);
    }

    @Test
    void concurrentReadersGetWholeFilesWhileEntriesAreEvicted() throws Exception {
        FileCache cache = new FileCache(64 * KIB, 16 * KIB);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 40; i++) { // 40 files of 8-16 KiB against 64 KiB: eviction all along
            files.add(file("hot" + i, 8 * KIB + i * 200, i));
        }
        ExecutorService readers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                int reader = r;
                results.add(readers.submit(() -> {
                    int checked = 0;
                    for (int n = 0; n < 2000; n++) {
                        int i = (n * 7 + reader * 13) % files.size();
                        Optional<byte[]> bytes = bytesOf(cache, files.get(i));
                        if (bytes.isPresent()) {
                            assertArrayEquals(pattern(8 * KIB + i * 200, i), bytes.get(), "file " + i);
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(2000, result.get(120, TimeUnit.SECONDS), "every request answered from memory, whole");
            }
        } finally {
            readers.shutdownNow();
        }
        cache.cleanUp();
        assertTrue(cache.heldBytes() <= 64 * KIB, "held " + cache.heldBytes());
        assertTrue(cache.reads() > files.size(), "evicted files were read again: " + cache.reads());
    }

    private Path file(String name, int size, int seed) throws IOException {
        return Files.write(dir.resolve(name), pattern(size, seed));
    }

    /** Bytes that differ by seed and by position, so a wrong file or a shifted copy shows. */
    private static byte[] pattern(int size, int seed) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + seed * 7 + (i >> 8));
        }
        return bytes;
    }

    private static BasicFileAttributes attributes(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class);
    }

    private static Optional<byte[]> bytesOf(FileCache cache, Path file) throws IOException {
        return cache.bytes(file, attributes(file)).map(body -> {
            ByteBuffer view = body.bytes();
            byte[] out = new byte[view.remaining()];
            view.get(out);
            return out;
        });
    }
}
