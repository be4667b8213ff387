package io.cloudterm.web;

import io.cloudterm.protocol.TerminalSize;
import io.cloudterm.terminal.Terminal;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The audit trail: one line per login success or failure, logout, terminal start and end, file
 * uploaded into or downloaded from a terminal (or refused), on the
 * {@code io.cloudterm.audit} logger (route it to its own file with logging.properties). Lines carry
 * time (from the log format), user, remote address, terminal id and exit status; never a password,
 * token or session id. User names come from clients, so control characters are escaped: a name
 * cannot forge a log line.
 */
final class Audit {

    private static final Logger LOG = Logger.getLogger("io.cloudterm.audit");

    private Audit() {
    }

    /**
     * Logs with the source named here: left to java.util.logging, every record would walk the
     * stack to find its caller, which was a tenth of the server's CPU while terminals open.
     */
    private static void log(Level level, String method, Supplier<String> line) {
        LOG.logp(level, Audit.class.getName(), method, line);
    }

    static void loginSucceeded(String user, String address, String how) {
        log(Level.INFO, "loginSucceeded", () -> "login ok user=" + quote(user) + " from=" + address + " via=" + how);
    }

    static void loginFailed(String user, String address, String why) {
        log(Level.WARNING, "loginFailed", () -> "login failed user=" + quote(user) + " from=" + address + " reason=" + quote(why));
    }

    static void logout(String user, String address) {
        log(Level.INFO, "logout", () -> "logout user=" + quote(user) + " from=" + address);
    }

    /**
     * Logs a terminal's start now and its end when it comes. The end callback holds only these
     * values: a terminal outlives the connection that started it, which must not stay reachable.
     */
    static void terminalStarted(Terminal terminal, String user, String address, TerminalSize size) {
        long id = terminal.id();
        long pid = terminal.pid();
        log(Level.INFO, "terminalStarted", () -> "terminal " + id + " started pid=" + pid + " user=" + quote(user) + " from=" + address
                + " size=" + size.columns() + "x" + size.rows());
        terminal.exit().thenAccept(status -> terminalEnded(id, user, address, status.toString()));
    }

    static void terminalReattached(long id, String user, String address) {
        log(Level.INFO, "terminalReattached", () -> "terminal " + id + " reattached user=" + quote(user) + " from=" + address);
    }

    static void terminalEndedByRequest(long id, String user, String address) {
        log(Level.INFO, "terminalEndedByRequest", () -> "terminal " + id + " ended on request user=" + quote(user) + " from=" + address);
    }

    private static void terminalEnded(long id, String user, String address, String status) {
        log(Level.INFO, "terminalEnded", () -> "terminal " + id + " ended user=" + quote(user) + " from=" + address + " status=" + quote(status));
    }

    // The user who moved the file, and the terminal's owner: a guest in control moves files too.

    static void fileUploaded(long terminal, String user, String owner, String address, String file, long bytes) {
        log(Level.INFO, "fileUploaded", () -> "terminal " + terminal + " upload user=" + quote(user) + " owner=" + quote(owner)
                + " from=" + address + " file=" + quote(file) + " bytes=" + bytes);
    }

    static void fileDownloaded(long terminal, String user, String owner, String address, String file, long bytes) {
        log(Level.INFO, "fileDownloaded", () -> "terminal " + terminal + " download user=" + quote(user) + " owner=" + quote(owner)
                + " from=" + address + " file=" + quote(file) + " bytes=" + bytes);
    }

    static void fileRefused(long terminal, String user, String owner, String address, String what, String why) {
        log(Level.WARNING, "fileRefused", () -> "terminal " + terminal + " " + what + " refused user=" + quote(user)
                + " owner=" + quote(owner) + " from=" + address + " reason=" + quote(why));
    }

    /** A quoted value with quotes, backslashes and control characters escaped; long values cut. */
    static String quote(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        value.codePoints().limit(100).forEach(cp -> {
            if (cp == '"' || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        if (value.codePointCount(0, value.length()) > 100) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
