package io.cloudterm.pty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A JVM that may not use native code gets the pure-Java pty and says why: the server must start, not
 * crash, when it runs without {@code --enable-native-access}. {@link ChoosePty} runs in a JVM of its
 * own, the same JDK as the tests, with native access denied.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NativeFallbackTest {

    private static final String PURE_JAVA = new ScriptPtySystem().description();

    private static String output;

    @BeforeAll
    static void runWithoutNativeAccess() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        // Before JDK 24 a restricted method without --enable-native-access only warns; "deny" is 24+.
        if (Runtime.version().feature() >= 24) {
            command.add("--illegal-native-access=deny");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChoosePty.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Options from the environment could grant native access behind the test's back.
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process jvm = builder.start();
        output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "the JVM did not end");
        assertEquals(0, jvm.exitValue(), () -> "the JVM failed: " + output);
    }

    @Test
    void autoFallsBackToPureJavaAndLogsThatNativeAccessIsDenied() {
        assumeTrue(PtyModes.nativeSelected(), "native cases not selected (" + PtyModes.PROPERTY + ")");
        assumeTrue(PtyModes.isLinux() && Runtime.version().feature() >= 24,
                "native access can be denied only on JDK 24+, and the native layer exists only on Linux");
        assertTrue(output.contains("AUTO: " + PURE_JAVA + System.lineSeparator()), output);
        String why = output.lines().filter(line -> line.contains("pty: pure-Java mode")).findFirst()
                .orElseThrow(() -> new AssertionError("no log line about the choice: " + output));
        assertTrue(why.contains("native access"), () -> "the log line says why: " + why);
    }

    @Test
    void onRefusesToFallBackAndSaysNativeAccessIsDenied() {
        assumeTrue(PtyModes.nativeSelected(), "native cases not selected (" + PtyModes.PROPERTY + ")");
        assumeTrue(PtyModes.isLinux() && Runtime.version().feature() >= 24,
                "native access can be denied only on JDK 24+, and the native layer exists only on Linux");
        assertTrue(output.contains("ON refused: --native=on but the native layer cannot run: native access is denied"),
                output);
    }

    @Test
    void autoNeverChoosesNativeWhenNativeAccessIsDenied() {
        assumeTrue(Runtime.version().feature() >= 24, "native access can be denied only on JDK 24+");
        assertTrue(output.contains("AUTO: " + PURE_JAVA + System.lineSeparator()), output);
    }

    @Test
    void offGivesPureJavaAndItsPtyWorks() {
        assertTrue(output.contains("OFF: " + PURE_JAVA + System.lineSeparator()), output);
        assertTrue(output.contains("ECHO: hello through script" + System.lineSeparator()), output);
        assertTrue(output.contains("STATUS: exit 0"), output);
    }
}
