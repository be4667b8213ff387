package io.cloudterm.pty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The command line that runs a {@link PtySpec} under script(1).
 *
 * <p>script's child is a small sh script, the <em>wrapper</em>, that runs in the new session on the
 * new pty and then execs the user's command, so the command keeps the wrapper's pid (session leader,
 * process group leader) and script reports the command's exit status. The wrapper:
 * <ol>
 * <li>prints a {@linkplain #MARKER_START marker} with its pid and its tty's name, the first bytes of
 *     output, which {@link ScriptPty} reads and strips: a scan of script's children could miss a
 *     command that exits at once, the marker cannot;</li>
 * <li>sets the initial size with stty, because script(1) copies the size of its own terminal, and
 *     ours is a pipe (size 0x0);</li>
 * <li>execs {@code env -i -- NAME=VALUE... program args...}: sh adds PWD to the environment and drops
 *     variables whose names are not identifiers, so only env -i gives the child exactly the spec's
 *     environment.</li>
 * </ol>
 * Every word the wrapper holds is quoted for POSIX sh, so no argument, variable or path is ever
 * interpreted by a shell.
 */
final class ScriptCommand {

    /** The wrapper's first output: {@code ESC _ cloudterm;<pid>;<tty> ESC \} (an APC string). */
    static final byte[] MARKER_START = "\033_cloudterm;".getBytes(StandardCharsets.US_ASCII);
    static final byte[] MARKER_END = "\033\\".getBytes(StandardCharsets.US_ASCII);

    private ScriptCommand() {
    }

    /** The argv of script(1) for {@code spec}. */
    static List<String> commandLine(ScriptTools tools, PtySpec spec) throws IOException {
        String wrapper = wrapper(tools, spec);
        return switch (tools.flavour()) {
            // util-linux runs the string with $SHELL -c, so ScriptPty sets SHELL to sh for script alone.
            case UTIL_LINUX -> List.of(tools.script(), "-qfec", wrapper, "/dev/null");
            case BSD -> List.of(tools.script(), "-q", "/dev/null", tools.sh(), "-c", wrapper);
        };
    }

    /** The sh script described in the class comment. */
    static String wrapper(ScriptTools tools, PtySpec spec) throws IOException {
        List<String> exec = new ArrayList<>();
        exec.add(tools.env());
        exec.add("-i");
        exec.add("--");
        // Sorted: the same spec gives the same command line, which makes ps output and logs comparable.
        for (Map.Entry<String, String> variable : new TreeMap<>(spec.environment()).entrySet()) {
            String name = variable.getKey();
            if (name.isEmpty() || name.indexOf('=') >= 0) {
                throw new IOException("environment variable name '" + name + "' is empty or contains '='");
            }
            exec.add(name + "=" + variable.getValue());
        }
        String program = spec.command().get(0);
        // env(1) would read a program name with '=' as one more variable: give it the path instead.
        exec.add(program.indexOf('=') >= 0 ? resolveProgram(spec).toString() : program);
        exec.addAll(spec.command().subList(1, spec.command().size()));

        StringBuilder script = new StringBuilder();
        script.append("printf '\\033_cloudterm;%s;%s\\033\\\\' \"$$\" \"$(").append(quote(tools.tty())).append(")\"; ");
        script.append(quote(tools.stty())).append(" rows ").append(spec.rows()).append(" cols ").append(spec.columns()).append("; ");
        script.append("exec");
        for (String word : exec) {
            script.append(' ').append(quote(word));
        }
        return script.toString();
    }

    /**
     * Quotes {@code word} for POSIX sh: inside single quotes nothing is special except the single
     * quote itself, which closes the quotes, is escaped, and reopens them.
     */
    static String quote(String word) throws IOException {
        if (word.indexOf('\0') >= 0) {
            throw new IOException("a command word or variable contains a NUL character, which no program can receive");
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** The program's file, found as the child will find it (see {@link ProgramPath}). */
    static Path resolveProgram(PtySpec spec) throws IOException {
        return ProgramPath.find(spec.command().get(0), spec.directory(), spec.environment());
    }
}
