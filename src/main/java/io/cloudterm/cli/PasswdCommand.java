package io.cloudterm.cli;

import io.cloudterm.auth.BcryptHash;
import io.cloudterm.auth.PasswordHashes;
import io.cloudterm.auth.UsersFileEdit;
import io.cloudterm.auth.UsersFileLine;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cloudterm passwd [--cost N] FILE USER}: adds a user to a users file or changes their
 * password. Every problem is one line {@code cloudterm passwd: ...} and exit status 2.
 */
@Command(name = "cloudterm passwd", sortOptions = false, usageHelpWidth = 100,
        description = {"Adds USER to the users file FILE (htpasswd's format, bcrypt), or changes their password.",
                "The password is asked twice on the terminal, or read as one line from standard input.", ""},
        footer = {"", "Example: cloudterm passwd /etc/cloudterm/users alice",
                "         printf '%%s\\n' \"$PASSWORD\" | cloudterm passwd users.htpasswd ci-bot"})
final class PasswdCommand {

    private static final String NAME = "cloudterm passwd";
    /** Far beyond any password we accept, and a bound on what a stray pipe makes us hold. */
    private static final int MAX_LINE_BYTES = 1024;

    @Option(names = "--cost", paramLabel = "N",
            description = "bcrypt cost, " + BcryptHash.MIN_COST + " to " + BcryptHash.MAX_COST + "; each step doubles the time (default ${DEFAULT-VALUE})")
    int cost = PasswordHashes.DEFAULT_COST;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Parameters(index = "0", paramLabel = "FILE", description = "the users file; made with mode 0600 if missing")
    Path file;

    @Parameters(index = "1", paramLabel = "USER", description = "the user to add, or whose password to change")
    String user;

    /** Asks a question on the terminal and reads the answer without echo; null at the end of input. */
    @FunctionalInterface
    interface Prompt {
        char[] ask(String question);
    }

    /** A reason to stop, in words for the user. */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Runs {@code cloudterm passwd} with these arguments (those after {@code passwd}) and returns the
     * exit status. The password comes from the terminal if {@code in} is the standard input and that
     * is a terminal, and otherwise as one line of {@code in}.
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, in == System.in ? terminal() : null, in, out, err);
    }

    /** As {@link #run(String[], InputStream, PrintStream, PrintStream)}, asking {@code terminal} if not null. */
    static int run(String[] args, Prompt terminal, InputStream in, PrintStream out, PrintStream err) {
        PasswdCommand command = new PasswdCommand();
        CommandLine cli = new CommandLine(command);
        try {
            if (cli.parseArgs(args).isUsageHelpRequested()) {
                cli.usage(out);
                return 0;
            }
        } catch (CommandLine.ParameterException e) {
            err.println(NAME + ": " + e.getMessage() + " (see " + NAME + " --help)");
            return CloudTerm.USAGE;
        }
        try {
            out.println(command.execute(terminal, in));
            return 0;
        } catch (Refused | IOException e) {
            err.println(NAME + ": " + e.getMessage());
            return CloudTerm.USAGE;
        }
    }

    private String execute(Prompt terminal, InputStream in) throws Refused, IOException {
        if (cost < BcryptHash.MIN_COST || cost > BcryptHash.MAX_COST) {
            throw new Refused("--cost must be from " + BcryptHash.MIN_COST + " to " + BcryptHash.MAX_COST + ", not " + cost);
        }
        var problem = UsersFileLine.userNameProblem(user);
        if (problem.isPresent()) {
            throw new Refused(problem.get());
        }
        UsersFileEdit.checkUsable(file); // before asking for a password that could not be saved
        char[] password = terminal != null ? fromTerminal(terminal) : fromLine(in);
        String hash;
        try {
            hash = PasswordHashes.hash(password, cost);
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        } finally {
            Arrays.fill(password, '\0');
        }
        return switch (UsersFileEdit.setPassword(file, user, hash)) {
            case ADDED -> "user " + user + " added";
            case CHANGED -> "password of " + user + " changed";
        };
    }

    private char[] fromTerminal(Prompt terminal) throws Refused {
        char[] first = terminal.ask("New password for " + user + ": ");
        if (first == null) {
            throw new Refused("no password given");
        }
        char[] second = terminal.ask("Retype the password: ");
        try {
            if (second == null || !Arrays.equals(first, second)) {
                Arrays.fill(first, '\0');
                throw new Refused(second == null ? "no password given" : "the passwords do not match");
            }
            return first;
        } finally {
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /** The first line of {@code in}, without its line end. */
    private static char[] fromLine(InputStream in) throws Refused, IOException {
        byte[] line = new byte[MAX_LINE_BYTES];
        CharBuffer chars = CharBuffer.allocate(MAX_LINE_BYTES);
        try {
            int n = 0;
            int b = in.read();
            if (b == -1) {
                throw new Refused("no password on standard input");
            }
            for (; b != -1 && b != '\n'; b = in.read()) {
                if (n == line.length) {
                    throw new Refused("the password is over " + PasswordHashes.MAX_PASSWORD_BYTES + " bytes in UTF-8; "
                            + "bcrypt would ignore the rest, so longer passwords are refused");
                }
                line[n++] = (byte) b;
            }
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
            if (utf8.decode(ByteBuffer.wrap(line, 0, n), chars, true).isError() || utf8.flush(chars).isError()) {
                throw new Refused("the password on standard input is not UTF-8 text");
            }
            return Arrays.copyOf(chars.array(), chars.position());
        } finally {
            Arrays.fill(line, (byte) 0);
            Arrays.fill(chars.array(), '\0');
        }
    }

    /** The terminal, if standard input is one. */
    private static Prompt terminal() {
        Console console = System.console();
        if (console == null || !isTerminal(console)) {
            return null;
        }
        return question -> console.readPassword("%s", question);
    }

    /**
     * Since JDK 22 {@link System#console()} may give a Console even when standard input is a pipe;
     * {@code Console.isTerminal()} (JDK 22 too, so called by name from this JDK 21 code) tells.
     */
    private static boolean isTerminal(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 21: a console is a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
