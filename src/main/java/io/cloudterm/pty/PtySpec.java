package io.cloudterm.pty;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start on a new pty.
 *
 * @param command     the program and its arguments; the program is looked up on PATH, no shell involved
 * @param directory   the child's working directory
 * @param environment the child's complete environment (not merged with ours)
 * @param columns     initial width, 1..1000
 * @param rows        initial height, 1..1000
 */
public record PtySpec(List<String> command, Path directory, Map<String, String> environment, int columns, int rows) {
    public PtySpec {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
        Objects.requireNonNull(directory, "directory");
        environment = Map.copyOf(environment);
        if (columns < 1 || rows < 1) {
            throw new IllegalArgumentException("terminal size must be positive: " + columns + "x" + rows);
        }
    }
}
