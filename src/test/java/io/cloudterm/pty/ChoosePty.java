package io.cloudterm.pty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link NativeFallbackTest} in a JVM of its own: prints which pty system {@code AUTO} and
 * {@code OFF} choose (PtySystems logs why on stderr) and echoes a line through the {@code OFF} one.
 */
public final class ChoosePty {

    private ChoosePty() {
    }

    public static void main(String[] args) throws Exception {
        try (PtySystem auto = PtySystems.select(NativeMode.AUTO)) {
            System.out.println("AUTO: " + auto.description());
        }
        try (PtySystem off = PtySystems.select(NativeMode.OFF)) {
            System.out.println("OFF: " + off.description());
            PtySpec spec = new PtySpec(List.of("echo", "hello", "through", "script"), Path.of("").toAbsolutePath(),
                    Map.of("PATH", "/usr/bin:/bin"), 80, 24);
            try (Pty pty = off.spawn(spec)) {
                StringBuilder output = new StringBuilder();
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                while (pty.read(buffer.clear()) >= 0) {
                    output.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
                }
                System.out.println("ECHO: " + output.toString().strip());
                System.out.println("STATUS: " + pty.waitFor());
            }
        }
    }
}
