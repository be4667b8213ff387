package io.cloudterm.pty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

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
 * <li>execs {@code env -u NAME... -- NAME=VALUE... program args...}, which repairs the few variables
 *     sh itself changes (see {@link #environmentRepairs}).</li>
 * </ol>
 * The environment itself travels as an environment: {@link ScriptPty} gives it to script(1), which
 * passes it to the wrapper, which passes it on. Never as words of a command line: script(1) keeps
 * its argv, the wrapper included, for the terminal's whole life, and any local user can read argv
 * (ps, /proc/PID/cmdline), while /proc/PID/environ is readable by the owner alone.
 * Every word the wrapper holds is quoted for POSIX sh, so no argument, variable or path is ever
 * interpreted by a shell.
 */
final class ScriptCommand {

    /** The wrapper's first output: {@code ESC _ cloudterm;<pid>;<tty> ESC \} (an APC string). */
    static final byte[] MARKER_START = "\033_cloudterm;".getBytes(StandardCharsets.US_ASCII);
    static final byte[] MARKER_END = "\033\\".getBytes(StandardCharsets.US_ASCII);

    /** What sh sets or changes in the environment it passes on, whatever it was given. */
    private static final List<String> SHELL_MANAGED = List.of("PWD", "OLDPWD", "SHLVL", "_", "SHELL");
    /** A name sh keeps in the environment (POSIX: letters, digits, underscore, not first a digit). */
    private static final Pattern SHELL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

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
        exec.addAll(environmentRepairs(spec.environment()));
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
     * env(1)'s arguments that turn the wrapper's environment back into exactly the spec's. sh sets
     * some variables itself (PWD always; bash as sh also SHLVL and _), SHELL is sh's for script's
     * sake, and sh drops names that are not identifiers. Each of these is unset, or set to the
     * spec's value, here. These values are paths, counters and the names sh could not carry, never
     * the rest of the environment; env(1) holds them only until it execs the program.
     */
    static List<String> environmentRepairs(Map<String, String> environment) throws IOException {
        List<String> unset = new ArrayList<>();
        List<String> set = new ArrayList<>();
        for (String name : SHELL_MANAGED) {
            String value = environment.get(name);
            if (value == null) {
                unset.add("-u");
                unset.add(name);
            } else {
                set.add(name + "=" + value);
            }
        }
        // Sorted: the same spec gives the same command line.
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            if (name.isEmpty() || name.indexOf('=') >= 0) {
                throw new IOException("environment variable name '" + name + "' is empty or contains '='");
            }
            if (name.indexOf('\0') >= 0 || variable.getValue().indexOf('\0') >= 0) {
                throw new IOException("environment variable '" + name + "' contains a NUL character");
            }
            if (!SHELL_NAME.matcher(name).matches()) {
                set.add(name + "=" + variable.getValue());
            }
        }
        List<String> arguments = new ArrayList<>(unset);
        arguments.add("--");
        arguments.addAll(set);
        return arguments;
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
