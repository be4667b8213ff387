package io.cloudterm.web;

import static org.awaitility.Awaitility.await;

import io.cloudterm.client.TtyClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/** What tests read from a terminal through its client: how it was greeted, its shell, its output. */
final class Shell {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern INFO = Pattern.compile("^3\\{\"terminal\":\"((?:[A-Za-z0-9_-]+\\.)?[A-Za-z0-9_-]{22})\",\"reattached\":(true|false)(?:,.*)?\\}$");
    private static final Pattern PID = Pattern.compile("pid=(\\d+)\\.");

    private Shell() {
    }

    /** The TERMINAL_INFO the client was greeted with: its handle and "true" or "false" for reattached. */
    static String[] terminalInfo(TtyClient client) {
        try {
            return await().atMost(WAIT).until(() -> terminalInfoNow(client), Objects::nonNull);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no TERMINAL_INFO among " + client.messages().size() + " messages", e);
        }
    }

    private static String[] terminalInfoNow(TtyClient client) {
        for (byte[] message : client.messages()) {
            Matcher m = INFO.matcher(new String(message, StandardCharsets.UTF_8));
            if (m.matches()) {
                return new String[] {m.group(1), m.group(2)};
            }
        }
        return null;
    }

    /** The pid of the shell the client types into, as the shell says it. */
    static long pid(TtyClient client) {
        client.input("echo pid=$$.\r");
        return Long.parseLong(client.awaitMatch(PID, WAIT).group(1));
    }

    /** What {@code seq n} prints on a terminal: 1 to n, a line each. */
    static String countedLines(int n) {
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            expected.append(i).append("\r\n");
        }
        return expected.toString();
    }
}
