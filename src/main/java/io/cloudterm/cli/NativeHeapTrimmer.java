package io.cloudterm.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.cloudterm.io.NativeHeap;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Trims the C heap of the stand-alone server every {@link #INTERVAL}, as HotSpot does by itself
 * when given {@code -XX:TrimNativeHeapInterval} (which cannot be set from inside a running JVM).
 * Without it, what the JIT's arenas took while a burst of terminals opened (up to 20 MB here,
 * freed by HotSpot within 5 s) stays in the process's RSS, kept by glibc for later mallocs.
 * Only the stand-alone server does this: a host application embedding CloudTerm owns its JVM.
 * It stops with the server ({@link #close}): {@code CloudTerm.run} may run in a JVM that outlives
 * the server (a test's, a tool's), whose C heap is not ours to trim once the server is gone.
 */
final class NativeHeapTrimmer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(NativeHeapTrimmer.class.getName());

    /**
     * Often enough that a burst's leftovers go soon after it, and soon after the heap's periodic
     * collection ({@link HeapFootprint}) has freed what the clients that left held; each trim
     * takes well under 1 ms.
     */
    static final Duration INTERVAL = Duration.ofSeconds(10);

    /** The trimming thread, or null when none was needed. */
    private final Thread thread;

    private NativeHeapTrimmer(Thread thread) {
        this.thread = thread;
    }

    /**
     * Starts trimming {@code heap} on a virtual thread, unless there is none (pure-Java mode) or
     * the JVM already trims it.
     */
    static NativeHeapTrimmer start(Optional<NativeHeap> heap) {
        if (!needed(heap, ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class))) {
            return new NativeHeapTrimmer(null);
        }
        return new NativeHeapTrimmer(Thread.ofVirtual().name("cloudterm-native-heap-trim").start(() -> trimEvery(heap.orElseThrow())));
    }

    /** Whether a trimming thread is running. */
    boolean running() {
        return thread != null && thread.isAlive();
    }

    /** Stops trimming and waits (briefly) for the thread to end. */
    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** There is a native heap, and the JVM was not told to trim it itself (the operator's choice wins). */
    static boolean needed(Optional<NativeHeap> heap, HotSpotDiagnosticMXBean vm) {
        if (heap.isEmpty()) {
            return false;
        }
        try {
            return vm == null || vm.getVMOption("TrimNativeHeapInterval").getValue().equals("0");
        } catch (IllegalArgumentException unknownOption) {
            return true; // a JVM older than the option (before 21.0.1)
        }
    }

    private static void trimEvery(NativeHeap heap) {
        try {
            while (true) {
                Thread.sleep(INTERVAL);
                heap.trim();
            }
        } catch (InterruptedException e) {
            LOG.fine("native heap trimming stopped");
        }
    }
}
