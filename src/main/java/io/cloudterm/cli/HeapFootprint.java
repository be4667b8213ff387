package io.cloudterm.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Asks the JVM to give unused heap back to the OS, for the stand-alone server only (embedded in a
 * Helidon application, the host owns its JVM). A terminal server holds thousands of mostly idle
 * terminals and allocates little, so footprint matters more than headroom: with the JVM's
 * defaults, G1 keeps up to 70 % of the heap free after a collection and never collects an idle
 * heap, which tripled the memory per terminal (bench/RESULTS.md). These flags are "manageable"
 * (settable at run time through the platform's diagnostic MXBean); one the operator set on the
 * command line is left as it is. The one setting HotSpot reads only at launch is
 * {@link #LAUNCH_OPTIONS}, which the start command passes.
 */
public final class HeapFootprint {

    /**
     * Given to java by the start command ({@code cloudterm.jvmopts}, written by the build). G1
     * sizes its regions for the largest heap the machine allows (4 MB with 24 GB of RAM), not for
     * the 10-30 MB this server uses, and it commits and uncommits heap in whole regions. After a
     * full collection it keeps the regions the live objects were packed into divided by
     * (1 - {@code MaxHeapFreeRatio}), in whole regions: in 4 MB regions a live heap just past 8 MB
     * (three regions) kept 20 MB committed where one just under it kept 12, so a server that
     * needed 1.3 MB more at start held 8 KB more per detached terminal (bench {@code sessions},
     * 1,000 terminals). In 1 MB regions the heap kept follows the live heap within a region or two. Nothing here allocates a humongous object (half a region) on a hot path:
     * output, input and scrollback move in pooled off-heap buffers.
     *
     * <p>The initial heap is 8 MB, not the JVM's 1/64 of the machine's memory (384 MB with 24 GB):
     * G1 fills the young regions of the heap it starts with before it first collects, so a fresh
     * server that needs 6 MB live touched 21 MB of its 384 and kept them resident until the first
     * idle collection a minute later (RSS 121 MB 20 s after start, 110 MB with 8 MB; the same
     * after that minute). The heap still grows as a busy server needs, at a few more young
     * collections while it does; the minimum heap was 8 MB already.
     */
    public static final List<String> LAUNCH_OPTIONS = List.of("-XX:G1HeapRegionSize=1m", "-XX:InitialHeapSize=8m");

    private static final Logger LOG = Logger.getLogger(HeapFootprint.class.getName());

    /** In this order: the minimum must never exceed the maximum, also in between. */
    static final Map<String, String> SETTINGS = settings();

    private HeapFootprint() {
    }

    private static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("MinHeapFreeRatio", "10");
        settings.put("MaxHeapFreeRatio", "30");
        // JEP 346: a G1 heap that has not been collected for 15 s is collected (concurrently) and
        // shrunk to the above, so the memory of clients that left goes back within half a minute
        // (with the C heap's trim, NativeHeapTrimmer). Once a minute, 1,000 clients' leftovers
        // stayed up to 80 s (26 MB over the RSS before they came, at 60 s). A busy heap is
        // collected anyway and never waits this long; an idle one costs a few ms of CPU per cycle.
        settings.put("G1PeriodicGCInterval", "15000");
        return settings;
    }

    /** Applies {@link #SETTINGS} that are still at their defaults; returns those it set. */
    static List<String> applyToThisJvm() {
        return apply(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class));
    }

    static List<String> apply(HotSpotDiagnosticMXBean vm) {
        List<String> applied = new ArrayList<>();
        if (vm == null) {
            return applied; // not HotSpot
        }
        for (Map.Entry<String, String> setting : SETTINGS.entrySet()) {
            try {
                VMOption now = vm.getVMOption(setting.getKey());
                if (now.getOrigin() == VMOption.Origin.DEFAULT && now.isWriteable()) {
                    vm.setVMOption(setting.getKey(), setting.getValue());
                    applied.add(setting.getKey() + "=" + setting.getValue());
                }
            } catch (IllegalArgumentException e) {
                LOG.fine(() -> "JVM option " + setting.getKey() + " left alone: " + e.getMessage());
            }
        }
        LOG.fine(() -> "heap footprint settings: " + (applied.isEmpty() ? "none (set by the operator)" : String.join(" ", applied)));
        return applied;
    }
}
