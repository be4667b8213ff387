package io.cloudterm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.cloudterm.io.NativeHeap;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When the stand-alone server trims the C heap itself: with a native heap, unless the JVM was told to. */
class NativeHeapTrimmerTest {

    private static final Optional<NativeHeap> SOME_HEAP = Optional.of(() -> true);

    /** Run in a child JVM: prints whether a native heap needs the trimmer there. */
    public static void main(String[] args) {
        System.out.println("needed: " + NativeHeapTrimmer.needed(SOME_HEAP, ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)));
    }

    private static String runChild(String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NativeHeapTrimmerTest.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process jvm = builder.start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "the JVM did not end");
        assertEquals(0, jvm.exitValue(), output);
        return output;
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
    void pureJavaModeHasNothingToTrim() {
        assertFalse(NativeHeapTrimmer.needed(Optional.empty(), ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)));
    }
}
