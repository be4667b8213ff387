package io.cloudterm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stand-alone server's request to the JVM to keep its heap small, in a JVM of its own. */
class HeapFootprintTest {

    /** The share of its committed heap G1 may keep free after a full collection, as the server sets it. */
    private static final double MAX_FREE = Integer.parseInt(HeapFootprint.SETTINGS.get("MaxHeapFreeRatio")) / 100.0;

    /** Run in a child JVM: applies the settings twice and prints what each call set, then the values. */
    public static void main(String[] args) {
        System.out.println("first: " + HeapFootprint.applyToThisJvm());
        System.out.println("second: " + HeapFootprint.applyToThisJvm());
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        for (String name : HeapFootprint.SETTINGS.keySet()) {
            System.out.println(name + "=" + vm.getVMOption(name).getValue());
        }
    }

    private static String runChild(String... jvmOptions) throws Exception {
        return ChildJvm.run(HeapFootprintTest.class, jvmOptions);
    }

    /**
     * Run in a child JVM started with the start command's heap options: the server's live heap
     * shrinking as its terminals' clients leave, from 16 MiB held down to 4 MiB a mebibyte at a time,
     * in 1 KiB objects (as many small per-connection objects), a full collection after each step.
     * Prints "used committed" in bytes after each collection.
     */
    public static final class ClientsLeaving {
        public static void main(String[] args) {
            HeapFootprint.applyToThisJvm();
            List<byte[]> live = new ArrayList<>();
            for (int i = 0; i < 16 * 1024; i++) {
                live.add(new byte[1024]);
            }
            System.out.println("region " + ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("G1HeapRegionSize").getValue());
            while (live.size() > 4 * 1024) {
                live.subList(live.size() - 1024, live.size()).clear();
                System.gc();
                MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                System.out.println(heap.getUsed() + " " + heap.getCommitted());
            }
        }
    }

    /** Run in a child JVM: prints the heap committed at start, in bytes. */
    public static final class FreshStart {
        public static void main(String[] args) {
            System.out.println("committed " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted());
        }
    }

    /**
     * On a machine with plenty of memory (MaxRAM says 24 GB, as the bench machine has, whatever
     * this one has) the JVM would start with 384 MB of heap; the start command's options start it
     * with 8 MB, which is all a fresh server uses.
     */
    @Test
    void aFreshServerStartsWithASmallHeapOnABigMachine() throws Exception {
        List<String> options = new ArrayList<>(List.of("-XX:+UseG1GC", "-XX:MaxRAM=24g"));
        options.addAll(HeapFootprint.LAUNCH_OPTIONS);
        String output = ChildJvm.run(FreshStart.class, options.toArray(String[]::new));
        long committed = output.lines().filter(line -> line.startsWith("committed "))
                .mapToLong(line -> Long.parseLong(line.substring("committed ".length()))).findFirst().orElseThrow();
        assertTrue(committed <= 8 << 20, committed + " bytes of heap committed at start: " + output);
    }

    @Test
    void defaultsAreReplacedOnceAndThenLeftAlone() throws Exception {
        String output = runChild("-XX:+UseG1GC");
        assertTrue(output.contains("first: [MinHeapFreeRatio=10, MaxHeapFreeRatio=30, G1PeriodicGCInterval=15000]"), output);
        assertTrue(output.contains("second: []"), output);
        assertTrue(output.contains("MaxHeapFreeRatio=30\n") && output.contains("G1PeriodicGCInterval=15000\n"), output);
    }

    @Test
    void whatTheOperatorSetOnTheCommandLineWins() throws Exception {
        String output = runChild("-XX:+UseG1GC", "-XX:MaxHeapFreeRatio=50", "-XX:G1PeriodicGCInterval=0");
        assertTrue(output.contains("first: [MinHeapFreeRatio=10]"), output);
        assertTrue(output.contains("MaxHeapFreeRatio=50\n") && output.contains("G1PeriodicGCInterval=0\n"), output);
    }

    /**
     * After a full collection G1 may keep {@code MaxHeapFreeRatio} (30 %) of its committed heap
     * free, counted in whole regions: with the start command's options the heap kept stays within
     * that and 2.5 MiB (one part-filled region, and one of rounding) at every step down. A large
     * maximum heap (-Xmx6g) makes G1 choose the regions it chooses on a machine with plenty of
     * memory (4 MB), whatever this one has: in those, 8.5 MiB live kept 20 MiB committed. One GC
     * worker, so that the compaction leaves one part-filled region, not one per worker.
     */
    @Test
    void theHeapKeptAfterClientsLeaveFollowsTheLiveHeap() throws Exception {
        List<String> options = new ArrayList<>(List.of("-XX:+UseG1GC", "-Xmx6g", "-XX:ParallelGCThreads=1"));
        options.addAll(HeapFootprint.LAUNCH_OPTIONS);
        String output = ChildJvm.run(ClientsLeaving.class, options.toArray(String[]::new));
        List<String> steps = output.lines().filter(line -> line.matches("\\d+ \\d+")).toList();
        assertEquals(12, steps.size(), output);
        for (String step : steps) {
            String[] usedAndCommitted = step.split(" ");
            double usedMib = Long.parseLong(usedAndCommitted[0]) / 1048576.0;
            double committedMib = Long.parseLong(usedAndCommitted[1]) / 1048576.0;
            assertTrue(committedMib <= usedMib / (1 - MAX_FREE) + 2.5,
                    String.format("%.1f MiB live kept %.1f MiB committed; all steps (used committed):%n%s", usedMib, committedMib, output));
        }
    }
}
