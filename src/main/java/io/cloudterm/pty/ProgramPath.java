package io.cloudterm.pty;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds a command's program the way execvp (and posix_spawnp) will in the child: a name with a
 * slash relative to the child's working directory, any other name on the child's PATH, whose
 * empty or relative entries are relative to that directory too. The server checks its command with
 * it at start, and the pure-Java pty before each spawn, so a typo is a message naming the program
 * instead of an exit status 127.
 */
public final class ProgramPath {

    /** glibc's execvp path when PATH is unset (confstr _CS_PATH), which env(1) uses then. */
    static final String DEFAULT_PATH = "/bin:/usr/bin";

    private ProgramPath() {
    }

    /**
     * The executable file {@code program} names for a child started in {@code directory} with
     * {@code environment}; an IOException says why there is none (with the PATH searched: for the
     * server's operator, not for clients).
     */
    public static Path find(String program, Path directory, Map<String, String> environment) throws IOException {
        if (program.isEmpty()) {
            throw new IOException("the command's program name is empty");
        }
        if (program.indexOf('/') >= 0) {
            Path path = directory.resolve(program).normalize();
            if (isExecutableFile(path)) {
                return path;
            }
            throw new IOException("cannot run '" + program + "': " + (Files.exists(path) ? "not an executable file: " : "no such file: ") + path);
        }
        String path = environment.getOrDefault("PATH", DEFAULT_PATH);
        for (String entry : path.split(File.pathSeparator, -1)) {
            Path candidate = (entry.isEmpty() ? directory : directory.resolve(entry)).resolve(program);
            if (isExecutableFile(candidate)) {
                return candidate;
            }
        }
        throw new IOException("cannot run '" + program + "': not found on PATH " + path);
    }

    private static boolean isExecutableFile(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
