package io.cloudterm.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
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
        return ChildJvm.run(HeapFootprintTest.class, jvmOptions);
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
