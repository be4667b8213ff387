package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small shared files answered from memory ({@code --files-cache}), fetched from a running server:
 * a file asked for again is not read again, and a file changed on disk (rewritten with the same
 * size, or replaced by a rename) is never answered with its old bytes. Native mode here (memory
 * written on the socket), pure Java in {@link SharedFilesCachePureJavaTest} (copied).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedFilesCacheTest {

    /** Small enough that the per-file limit is this too: a file above it goes out from the disk. */
    private static final int CACHE_BYTES = 64 * 1024;
    private static final Instant MODIFIED = Instant.parse("2026-03-04T05:06:07Z");

    Path shared;
    TestServer server;

    String nativeMode() {
        return "on";
    }

    @BeforeAll
    void start(@TempDir Path directory) {
        shared = directory;
        server = TestServer.start("--no-auth", "--native", nativeMode(), "--files", shared.toString(),
                "--files-cache", Integer.toString(CACHE_BYTES), "--", "sh");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aFileAskedForAgainIsAnsweredFromMemory() throws IOException {
        byte[] bytes = write("again.bin", 10_000, 1, MODIFIED);
        assertArrayEquals(bytes, get("again.bin", Map.of()).body());
        double hits = ObserveTest.meter(server, "cloudterm_files_cache_hits_total");

        assertArrayEquals(bytes, get("again.bin", Map.of()).body());
        assertArrayEquals(bytes, get("again.bin", Map.of()).body());

        assertTrue(ObserveTest.meter(server, "cloudterm_files_cache_hits_total") >= hits + 2, "two answers from memory");
        assertTrue(ObserveTest.meter(server, "cloudterm_files_cache_bytes") >= bytes.length, "the file is held");
    }

    @Test
    void aCachedFileRewrittenWithTheSameSizeIsServedNew() throws IOException {
        byte[] before = write("rewritten.txt", 5_000, 2, MODIFIED);
        HttpResponse<byte[]> first = get("rewritten.txt", Map.of());
        assertArrayEquals(before, first.body());
        assertArrayEquals(before, get("rewritten.txt", Map.of()).body());

        byte[] after = write("rewritten.txt", 5_000, 3, MODIFIED.plusSeconds(1));
        HttpResponse<byte[]> changed = get("rewritten.txt", Map.of());

        assertArrayEquals(after, changed.body(), "the bytes now on disk, not those held");
        assertNotEquals(FileSharingTest.header(first, "ETag"), FileSharingTest.header(changed, "ETag"));
        assertEquals("Wed, 04 Mar 2026 05:06:08 GMT", FileSharingTest.header(changed, "Last-Modified"));
    }

    @Test
    void aCachedFileReplacedByARenameIsServedNewEvenWithTheSameSizeAndTime() throws IOException {
        byte[] before = write("replaced.txt", 5_000, 4, MODIFIED);
        HttpResponse<byte[]> first = get("replaced.txt", Map.of());
        assertArrayEquals(before, first.body());
        assertArrayEquals(before, get("replaced.txt", Map.of()).body());

        // Another file (another inode) with the very size and time of the one held, renamed over it.
        byte[] after = write("replaced.txt.new", 5_000, 5, MODIFIED);
        Files.move(shared.resolve("replaced.txt.new"), shared.resolve("replaced.txt"), StandardCopyOption.ATOMIC_MOVE);
        HttpResponse<byte[]> replaced = get("replaced.txt", Map.of());

        assertArrayEquals(after, replaced.body(), "the new file's bytes, not the old file's");
        assertNotEquals(FileSharingTest.header(first, "ETag"), FileSharingTest.header(replaced, "ETag"));
    }

    @Test
    void rangesOfACachedFileAreThoseBytes() throws IOException {
        byte[] bytes = write("ranges.bin", 20_000, 6, MODIFIED);
        assertArrayEquals(bytes, get("ranges.bin", Map.of()).body());
        double hits = ObserveTest.meter(server, "cloudterm_files_cache_hits_total");

        assertRange("ranges.bin", bytes, "bytes=100-119", 100, 119);
        assertRange("ranges.bin", bytes, "bytes=-10", bytes.length - 10, bytes.length - 1);
        assertRange("ranges.bin", bytes, "bytes=19990-", 19_990, bytes.length - 1);
        assertRange("ranges.bin", bytes, "bytes=0-0", 0, 0);
        HttpResponse<byte[]> beyond = get("ranges.bin", Map.of("Range", "bytes=20000-"));
        assertEquals(416, beyond.statusCode());
        assertEquals("bytes */20000", FileSharingTest.header(beyond, "Content-Range"));

        assertTrue(ObserveTest.meter(server, "cloudterm_files_cache_hits_total") >= hits + 4, "the ranges came from memory");
    }

    @Test
    void aFileAboveThePerFileLimitComesWholeFromTheDisk() throws IOException {
        byte[] bytes = write("large.bin", CACHE_BYTES + 1, 7, MODIFIED);
        assertArrayEquals(bytes, get("large.bin", Map.of()).body());
        assertArrayEquals(bytes, get("large.bin", Map.of()).body());
        assertRange("large.bin", bytes, "bytes=65000-65536", 65_000, 65_536);
        assertTrue(ObserveTest.meter(server, "cloudterm_files_cache_bytes") <= CACHE_BYTES, "never held beyond the budget");
    }

    private void assertRange(String name, byte[] bytes, String range, int first, int last) {
        HttpResponse<byte[]> part = get(name, Map.of("Range", range));
        assertEquals(206, part.statusCode(), range);
        assertEquals("bytes " + first + "-" + last + "/" + bytes.length, FileSharingTest.header(part, "Content-Range"), range);
        assertArrayEquals(Arrays.copyOfRange(bytes, first, last + 1), part.body(), range);
    }

    /** Writes {@code size} bytes of seed {@code seed} to {@code name}, modified at {@code modified}. */
    private byte[] write(String name, int size, long seed, Instant modified) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Path file = shared.resolve(name);
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return bytes;
    }

    private HttpResponse<byte[]> get(String name, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url("files/" + name)).GET();
        headers.forEach(request::header);
        return FileSharingTest.send(request);
    }
}
