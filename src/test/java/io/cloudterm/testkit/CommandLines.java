package io.cloudterm.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code ps} shows of a process: its command line as {@code /proc/PID/cmdline} holds it, which
 * any local user can read. Tests use it to prove that secrets and environments stay out of it.
 */
public final class CommandLines {

    private CommandLines() {
    }

    /** The command line of {@code pid}, its words joined by spaces; empty once it has ended. */
    public static String of(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return ""; // ended meanwhile
        }
    }

    /** The command lines of every process this JVM started, and theirs. */
    public static List<String> ofDescendants() {
        return ProcessHandle.current().descendants().map(process -> of(process.pid())).toList();
    }
}
