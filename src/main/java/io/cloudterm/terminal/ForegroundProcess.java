package io.cloudterm.terminal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The program a person is using in a terminal now: the foreground process group of the
 * terminal (vim, a build, or the shell itself at its prompt), with its name and working
 * directory as Linux's {@code /proc} tells them. Read when asked, never kept: the answer is for
 * people (which terminal is which) and for where an upload lands. Elsewhere (macOS) there is
 * no answer.
 */
public record ForegroundProcess(long pid, String program, Optional<Path> directory) {

    private static final Path PROC = Path.of("/proc");

    /**
     * The foreground process of the terminal whose session leader (the process the terminal
     * started) is {@code leader}; empty when it has ended or /proc cannot say. A leader without
     * a terminal of its own (the pure-Java mode's {@code script}) is looked through to its child.
     */
    public static Optional<ForegroundProcess> of(long leader) {
        Group group = foregroundGroup(leader);
        if (group.pgid <= 0) {
            Optional<ProcessHandle> child = ProcessHandle.of(leader).flatMap(p -> p.children().findFirst());
            if (child.isEmpty()) {
                return Optional.empty();
            }
            group = foregroundGroup(child.get().pid());
            if (group.pgid <= 0) {
                return Optional.empty();
            }
        }
        long pid = group.pgid; // a group's leader has the group's id; if it has gone, the session leader speaks for it
        Optional<String> program = read(PROC.resolve(Long.toString(pid)).resolve("comm"));
        if (program.isEmpty()) {
            pid = group.reader;
            program = read(PROC.resolve(Long.toString(pid)).resolve("comm"));
        }
        if (program.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ForegroundProcess(pid, program.get().strip(), directoryOf(pid)));
    }

    /**
     * The foreground process group of the terminal whose session leader is {@code leader} (the
     * job a person is using now), looked through a leader without a terminal of its own as
     * {@link #of} does; empty when /proc cannot say.
     */
    public static java.util.OptionalLong group(long leader) {
        Group group = foregroundGroup(leader);
        if (group.pgid <= 0) {
            group = ProcessHandle.of(leader).flatMap(p -> p.children().findFirst())
                    .map(child -> foregroundGroup(child.pid())).orElse(group);
        }
        return group.pgid > 0 ? java.util.OptionalLong.of(group.pgid) : java.util.OptionalLong.empty();
    }

    /** A process's foreground group id (tpgid of /proc/PID/stat; -1 when it has no terminal), and whose stat said so. */
    private record Group(long pgid, long reader) {
    }

    private static Group foregroundGroup(long pid) {
        Optional<String> stat = read(PROC.resolve(Long.toString(pid)).resolve("stat"));
        if (stat.isEmpty()) {
            return new Group(-1, pid);
        }
        // The command name is in parentheses and may hold spaces or ')': fields are counted after the last ')'.
        String[] fields = stat.get().substring(stat.get().lastIndexOf(')') + 2).split(" ");
        try {
            return new Group(fields.length > 5 ? Long.parseLong(fields[5]) : -1, pid);
        } catch (NumberFormatException e) {
            return new Group(-1, pid);
        }
    }

    private static Optional<Path> directoryOf(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("cwd")));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
