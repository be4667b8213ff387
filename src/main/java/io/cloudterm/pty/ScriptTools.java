package io.cloudterm.pty;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The programs the pure-Java pty runs, by absolute path (the child's PATH is the user's and may lack
 * them), and the dialect of script(1) they speak.
 */
record ScriptTools(Flavour flavour, String script, String sh, String stty, String tty, String env, String kill) {

    /** The two script(1) families; they differ in arguments, stty's device flag and exit codes. */
    enum Flavour {
        /** Linux: {@code script -qfec <command string> /dev/null} runs {@code $SHELL -c <string>}. */
        UTIL_LINUX("-F", 128),
        /** macOS and the BSDs: {@code script -q /dev/null <program> <args...>}, no shell involved. */
        BSD("-f", 0);

        /** stty's option that names the device: {@code stty -F /dev/pts/3} or {@code stty -f /dev/ttys003}. */
        final String sttyDevice;
        /**
         * What script(1) exits with when its child dies by signal N is {@code base + N}: util-linux's
         * {@code -e} returns 128+N, BSD script returns N itself.
         */
        final int signalExitBase;

        Flavour(String sttyDevice, int signalExitBase) {
            this.sttyDevice = sttyDevice;
            this.signalExitBase = signalExitBase;
        }
    }

    /** Where to look besides our own PATH: a server started by a service manager may have a bare one. */
    private static final List<String> STANDARD_DIRECTORIES = List.of("/usr/bin", "/bin", "/usr/local/bin");

    /**
     * Finds the tools on this machine.
     *
     * @throws IllegalStateException naming the first missing program
     */
    static ScriptTools find() {
        Flavour flavour = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                ? Flavour.UTIL_LINUX : Flavour.BSD;
        return new ScriptTools(flavour, locate("script"), locate("sh"), locate("stty"), locate("tty"),
                locate("env"), locate("kill"));
    }

    /**
     * The signal's number on this system: the same as Linux for all CloudTerm sends except USR1 and
     * USR2 on macOS and the BSDs.
     */
    int number(Signal signal) {
        if (flavour == Flavour.BSD && signal == Signal.USR1) {
            return 30;
        }
        if (flavour == Flavour.BSD && signal == Signal.USR2) {
            return 31;
        }
        return signal.linuxNumber();
    }

    private static String locate(String program) {
        Set<String> directories = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(File.pathSeparator)) {
                if (directory.startsWith("/")) {
                    directories.add(directory);
                }
            }
        }
        directories.addAll(STANDARD_DIRECTORIES);
        List<String> tried = new ArrayList<>();
        for (String directory : directories) {
            Path candidate = Path.of(directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
            tried.add(directory);
        }
        throw new IllegalStateException("the pure-Java pty needs " + program + "(1), which is not in "
                + String.join(":", tried) + (program.equals("script") ? " (on Linux it is part of util-linux)" : ""));
    }
}
