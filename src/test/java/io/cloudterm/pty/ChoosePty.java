package io.cloudterm.pty;

import io.cloudterm.platform.Platform;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link NativeFallbackTest} in a JVM of its own: prints which platform {@code AUTO} and
 * {@code OFF} choose (the choice logs why on stderr), what {@code ON} says when it cannot have
 * the native one, and echoes a line through the {@code OFF} one.
 */
public final class ChoosePty {

    private ChoosePty() {
    }

    public static void main(String[] args) throws Exception {
        try (Platform auto = Platform.select(NativeMode.AUTO)) {
            System.out.println("AUTO: " + auto.description());
        }
        try (Platform on = Platform.select(NativeMode.ON)) {
            System.out.println("ON: " + on.description());
        } catch (IllegalStateException e) {
            System.out.println("ON refused: " + e.getMessage());
        }
        try (Platform platform = Platform.select(NativeMode.OFF)) {
            PtySystem off = platform.ptys();
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
