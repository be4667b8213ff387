package io.cloudterm.nativeio;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.io.NativeHeap;
import io.cloudterm.pty.PtySystem;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The native layer's trim of glibc's heap, seen page by page: whether the pages of freed blocks
 * are still resident, from {@code /proc/self/pagemap} (its "present" bit), so that nothing else
 * the JVM does with its memory meanwhile (G1 giving regions back) can blur the answer.
 */
class NativeHeapTest {

    private static final long PAGE = 4096;
    /** Under glibc's mmap threshold (128 KiB at first), so each comes from a malloc arena. */
    private static final int BLOCK = 32 * 1024;
    private static final int BLOCKS = 1536; // 48 MiB
    private static final long PRESENT = 1L << 63;

    /** Of the whole pages inside the given blocks, the share the kernel has in memory now. */
    private static double residentShare(List<Long> blockAddresses) throws IOException {
        long pages = 0, present = 0;
        ByteBuffer entry = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        try (FileChannel pagemap = FileChannel.open(Path.of("/proc/self/pagemap"), StandardOpenOption.READ)) {
            for (long start : blockAddresses) {
                for (long page = (start + PAGE - 1) / PAGE; (page + 1) * PAGE <= start + BLOCK; page++) {
                    entry.clear();
                    pagemap.read(entry, page * 8);
                    pages++;
                    if ((entry.getLong(0) & PRESENT) != 0) {
                        present++;
                    }
                }
            }
        }
        return present / (double) pages;
    }

    @Test
    void freedHolesGoBackToTheKernelOnlyWhenTrimmed() throws IOException {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "glibc's heap is Linux only");
        try (PtySystem system = new NativePtySystemProvider().create()) {
            NativeHeap heap = system.nativeHeap().orElseThrow();
            // Blocks with small ones between them (each arena allocation is a malloc, zeroed, so
            // resident): once the blocks are freed, the small ones keep glibc from giving the holes
            // back by itself, as the long-lived allocations around the JIT's arenas do.
            List<Long> blocks = new ArrayList<>(BLOCKS);
            try (Arena pins = Arena.ofConfined()) {
                try (Arena blockArena = Arena.ofConfined()) {
                    for (int i = 0; i < BLOCKS; i++) {
                        MemorySegment block = blockArena.allocate(BLOCK);
                        blocks.add(block.address());
                        pins.allocate(64);
                    }
                    assertTrue(residentShare(blocks) > 0.99, "the blocks were zeroed, so every page is resident");
                }
                double freed = residentShare(blocks);
                assertTrue(freed > 0.75, "glibc gave back " + Math.round(100 * (1 - freed))
                        + "% of the freed blocks' pages by itself: the test shows nothing");
                heap.trim();
                double trimmed = residentShare(blocks);
                assertTrue(trimmed < 0.30, "after the trim " + Math.round(100 * trimmed)
                        + "% of the freed blocks' pages are still resident (" + Math.round(100 * freed) + "% before)");
            }
        }
    }
}
