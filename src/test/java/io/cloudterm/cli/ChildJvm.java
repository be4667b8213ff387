package io.cloudterm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test class's {@code main} in a JVM of its own, for what only a fresh JVM shows (flags
 * given on its command line, settings applied once): this JVM's java and class path, the given
 * options, no options from the environment.
 */
final class ChildJvm {

    private ChildJvm() {
    }

    /** Its output (stdout and stderr); fails unless it exits 0 within 30 s. */
    static String run(Class<?> main, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process jvm = builder.start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "the JVM did not end");
        assertEquals(0, jvm.exitValue(), output);
        return output;
    }
}
