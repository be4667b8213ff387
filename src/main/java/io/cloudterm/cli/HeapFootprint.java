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
 * command line is left as it is.
 */
final class HeapFootprint {

    private static final Logger LOG = Logger.getLogger(HeapFootprint.class.getName());

    /** In this order: the minimum must never exceed the maximum, also in between. */
    static final Map<String, String> SETTINGS = settings();

    private HeapFootprint() {
    }

    private static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("MinHeapFreeRatio", "10");
        settings.put("MaxHeapFreeRatio", "30");
        // JEP 346: an idle G1 heap is collected (concurrently) once a minute and shrunk to the above.
        settings.put("G1PeriodicGCInterval", "60000");
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
