package io.cloudterm.nativeio;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.io.NativeHeap;
import io.cloudterm.pty.PtySystem;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The native layer's trim of glibc's heap, seen in this process's own RSS. */
class NativeHeapTest {

    private static final long MIB = 1024 * 1024;
    /** Under glibc's mmap threshold (128 KiB at first), so each comes from a malloc arena. */
    private static final int BLOCK = 32 * 1024;
    private static final int BLOCKS = 1536; // 48 MiB

    /** The process's anonymous resident memory, KB → bytes, from /proc/self/status. */
    private static long rssAnon() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("RssAnon:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no RssAnon in /proc/self/status");
    }

    @Test
    void freedHolesGoBackToTheKernelOnlyWhenTrimmed() throws IOException {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "glibc's heap is Linux only");
        try (PtySystem system = new NativePtySystemProvider().create()) {
            NativeHeap heap = system.nativeHeap().orElseThrow();
            // Blocks with small ones between them (each arena allocation is a malloc, zeroed, so
            // resident): once the blocks are freed, the small ones keep glibc from giving the holes
            // back by itself, as the long-lived allocations around the JIT's arenas do.
            try (Arena pins = Arena.ofConfined()) {
                long before;
                try (Arena blocks = Arena.ofConfined()) {
                    for (int i = 0; i < BLOCKS; i++) {
                        blocks.allocate(BLOCK);
                        pins.allocate(64);
                    }
                    before = rssAnon();
                }
                long freed = rssAnon();
                assertTrue(before - freed < 16 * MIB,
                        "glibc gave back " + (before - freed) / MIB + " MiB of the holes by itself: the test shows nothing");
                assertTrue(heap.trim(), "malloc_trim released nothing");
                long trimmed = rssAnon();
                assertTrue(freed - trimmed >= 32 * MIB, "the trim gave back " + (freed - trimmed) / MIB
                        + " MiB of the " + BLOCKS * (long) BLOCK / MIB + " MiB freed");
            }
        }
    }
}
