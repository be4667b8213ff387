package io.cloudterm.transfer;

import io.cloudterm.terminal.ForegroundProcess;
import io.cloudterm.terminal.Terminal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a terminal "is" for an upload: the working directory of the program in its foreground
 * (vim in a project, or the shell at its prompt after a {@code cd}), else that of the process the
 * terminal started (the shell, when the foreground cannot be told), as Linux's {@code /proc}
 * says. Empty where neither can be read (the process has ended, or the system has no /proc).
 */
public final class TerminalDirectory {

    private static final Path PROC = Path.of("/proc");

    private TerminalDirectory() {
    }

    public static Optional<Path> of(Terminal terminal) {
        Optional<Path> foreground = terminal.foreground().flatMap(ForegroundProcess::directory);
        if (foreground.isPresent()) {
            return foreground;
        }
        // The pure-Java mode's leader is script(1), whose child is the shell: either will do.
        return cwd(terminal.pid()).or(() -> ProcessHandle.of(terminal.pid())
                .flatMap(p -> p.children().findFirst()).flatMap(child -> cwd(child.pid())));
    }

    private static Optional<Path> cwd(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("cwd")));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}
