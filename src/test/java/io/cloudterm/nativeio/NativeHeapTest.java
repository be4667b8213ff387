package io.cloudterm.nativeio;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.io.NativeHeap;
import io.cloudterm.platform.Platform;
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
    private static final int BLOCKS = 1536; // 48 MiB freed, as many kept
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

    /** The resident share of the blocks' pages once freed, then once trimmed. */
    private record Shares(double freed, double trimmed) {
    }

    /**
     * Blocks with kept blocks of the same size between them (each arena allocation is a malloc,
     * zeroed, so resident): once the blocks are freed, the kept ones keep glibc from merging the
     * holes into its top and giving them back by itself, as the long-lived allocations around the
     * JIT's arenas do.
     */
    private static Shares freeThenTrim(NativeHeap heap) throws IOException {
        List<Long> blocks = new ArrayList<>(BLOCKS);
        try (Arena keepers = Arena.ofConfined()) {
            try (Arena blockArena = Arena.ofConfined()) {
                for (int i = 0; i < BLOCKS; i++) {
                    MemorySegment block = blockArena.allocate(BLOCK);
                    blocks.add(block.address());
                    keepers.allocate(BLOCK);
                }
                assertTrue(residentShare(blocks) > 0.99, "the blocks were zeroed, so every page is resident");
            }
            double freed = residentShare(blocks);
            heap.trim();
            return new Shares(freed, residentShare(blocks));
        }
    }

    @Test
    void freedHolesGoBackToTheKernelOnlyWhenTrimmed() throws IOException {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "glibc's heap is Linux only");
        try (Platform platform = new NativePlatformLoader().create()) {
            NativeHeap heap = platform.nativeHeap().orElseThrow();
            // Late in one full test run (1 of 4 this session), glibc had given back 68% of the
            // pages at free, with 64-byte keepers; not reproduced alone, even after scattering
            // free chunks first. So: keepers as large as the blocks, and a second and third try
            // before the precondition fails the test.
            List<Shares> tries = new ArrayList<>();
            do {
                tries.add(freeThenTrim(heap));
            } while (tries.get(tries.size() - 1).freed() <= 0.75 && tries.size() < 3);
            Shares last = tries.get(tries.size() - 1);
            assertTrue(last.freed() > 0.75, "glibc gave back pages of the freed blocks by itself in every try, the test shows"
                    + " nothing: " + tries);
            assertTrue(last.trimmed() < 0.30, "after the trim " + Math.round(100 * last.trimmed())
                    + "% of the freed blocks' pages are still resident (" + Math.round(100 * last.freed()) + "% before)");
        }
    }
}
