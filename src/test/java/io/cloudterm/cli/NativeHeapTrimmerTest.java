package io.cloudterm.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.cloudterm.io.NativeHeap;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the stand-alone server trims the C heap itself: with a native heap, unless the JVM was told to. */
class NativeHeapTrimmerTest {

    private static final Optional<NativeHeap> SOME_HEAP = Optional.of(() -> true);

    /** Run in a child JVM: prints whether a native heap needs the trimmer there. */
    public static void main(String[] args) {
        System.out.println("needed: " + NativeHeapTrimmer.needed(SOME_HEAP, ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)));
    }

    private static String runChild(String... jvmOptions) throws Exception {
        return ChildJvm.run(NativeHeapTrimmerTest.class, jvmOptions);
    }

    @Test
    void aJvmLeftAtItsDefaultsGetsTheTrimmer() throws Exception {
        assertTrue(runChild().contains("needed: true"));
    }

    @Test
    void theOperatorsOwnTrimIntervalWins() throws Exception {
        String output = runChild("-XX:TrimNativeHeapInterval=5000");
        assertTrue(output.contains("needed: false"), output);
    }

    @Test
    void theTrimmerStopsWithTheServer() {
        NativeHeapTrimmer trimmer = NativeHeapTrimmer.start(SOME_HEAP);
        assertTrue(trimmer.running(), "a JVM at its defaults (this one) gets a trimming thread");
        trimmer.close();
        assertFalse(trimmer.running(), "closed, the thread has ended");
    }

    @Test
    void pureJavaModeHasNothingToTrim() {
        assertFalse(NativeHeapTrimmer.needed(Optional.empty(), ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)));
    }
}
