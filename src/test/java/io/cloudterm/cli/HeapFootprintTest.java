package io.cloudterm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The stand-alone server's request to the JVM to keep its heap small, in a JVM of its own. */
class HeapFootprintTest {

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
        List<String> command = new java.util.ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), HeapFootprintTest.class.getName()));
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
    void defaultsAreReplacedOnceAndThenLeftAlone() throws Exception {
        String output = runChild("-XX:+UseG1GC");
        assertTrue(output.contains("first: [MinHeapFreeRatio=10, MaxHeapFreeRatio=30, G1PeriodicGCInterval=60000]"), output);
        assertTrue(output.contains("second: []"), output);
        assertTrue(output.contains("MaxHeapFreeRatio=30\n") && output.contains("G1PeriodicGCInterval=60000\n"), output);
    }

    @Test
    void whatTheOperatorSetOnTheCommandLineWins() throws Exception {
        String output = runChild("-XX:+UseG1GC", "-XX:MaxHeapFreeRatio=50", "-XX:G1PeriodicGCInterval=0");
        assertTrue(output.contains("first: [MinHeapFreeRatio=10]"), output);
        assertTrue(output.contains("MaxHeapFreeRatio=50\n") && output.contains("G1PeriodicGCInterval=0\n"), output);
    }
}
