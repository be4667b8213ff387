package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Terminals outlive their connection: reattach to the same process with its history, until the keep-alive runs out. */
class ReattachTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static TtyClient attach(TestServer server, String handle) {
        return TtyClient.connect(URI.create(server.ws() + "?t=" + handle), Map.of()).handshake("", 80, 24);
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void aReconnectingClientGetsTheSameShellItsHistoryAndWhatItMissed(String mode) throws Exception {
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--keep-alive", "30", "--", "sh")) {
            TtyClient first = server.open(80, 24);
            String[] info = Shell.terminalInfo(first);
            assertEquals("false", info[1]);
            long pid = Shell.pid(first);
            first.input("(for i in 1 2 3; do sleep 0.4; echo tick$i; done) &\r");
            first.awaitOutput("tick1", WAIT);
            first.abort(); // the laptop lid closes
            Thread.sleep(1500);
            assertTrue(Processes.alive(pid), "the shell lives on with nobody attached");

            TtyClient second = attach(server, info[0]);
            assertEquals("true", Shell.terminalInfo(second)[1]);
            String history = second.awaitOutput("tick3", WAIT);
            assertTrue(history.contains("pid=" + pid + "."), "the earlier output is replayed: " + history);
            assertEquals(pid, Shell.pid(second), "the same process");
            second.close();
        }
    }

    /**
     * A client must know where the replayed history ends, to drop its emulator's answers to the
     * queries in it: REPLAY_END comes once, right after the history and before any live output,
     * while the child keeps writing through the attach; history and live output join up with
     * nothing lost or repeated.
     */
    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void replayEndComesExactlyWhereTheHistoryEnds(String mode) throws Exception {
        Path stop = dir.resolve("stop");
        // The ticker is the terminal's program, not a line typed into a shell: typed before the
        // shell is ready, a line's echo comes before the prompt, and the prompt lands before n1.
        String ticker = "i=0; while [ ! -e " + stop + " ]; do i=$((i+1)); echo n$i; sleep 0.02; done; echo ticker-done";
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--keep-alive", "30", "--", "sh", "-c", ticker)) {
            TtyClient first = server.open(80, 24);
            String handle = Shell.terminalInfo(first)[0];
            first.awaitOutput("n5\r\n", WAIT);
            assertEquals("4", new String(first.messages().get(3), StandardCharsets.UTF_8),
                    "a new terminal: REPLAY_END right after TERMINAL_INFO, before its first output");
            first.abort();

            TtyClient second = attach(server, handle);
            assertEquals("true", Shell.terminalInfo(second)[1]);
            // Live lines after the history: the ticker ran through the attach.
            awaitLiveOutputAfterReplayEnd(second, "\r\nn");
            Files.createFile(stop);
            second.awaitOutput("ticker-done", WAIT);

            ByteArrayOutputStream history = new ByteArrayOutputStream();
            ByteArrayOutputStream live = new ByteArrayOutputStream();
            ByteArrayOutputStream into = history;
            int replayEnds = 0;
            for (byte[] message : second.messages()) {
                if (message[0] == '4') {
                    assertEquals(1, message.length, "REPLAY_END has no payload");
                    replayEnds++;
                    into = live;
                } else if (message[0] == '0') {
                    into.write(message, 1, message.length - 1);
                }
            }
            assertEquals(1, replayEnds, "one REPLAY_END per connection");
            String before = history.toString(StandardCharsets.UTF_8);
            String after = live.toString(StandardCharsets.UTF_8);
            assertTrue(before.contains("n5\r\n"), "the history holds what the first client saw: " + before);
            List<Integer> ticks = new ArrayList<>();
            Matcher tick = Pattern.compile("(?m)^n(\\d+)\r").matcher(before + after);
            while (tick.find()) {
                ticks.add(Integer.parseInt(tick.group(1)));
            }
            assertTrue(ticks.size() > 5, "ticks: " + ticks);
            for (int i = 0; i < ticks.size(); i++) {
                assertEquals(i + 1, ticks.get(i), "tick " + (i + 1) + " lost or repeated across REPLAY_END: " + ticks);
            }
            second.close();
        }
    }

    /** Waits until OUTPUT after REPLAY_END contains {@code text}. */
    private static void awaitLiveOutputAfterReplayEnd(TtyClient client, String text) {
        try {
            await().atMost(WAIT).until(() -> liveOutput(client).contains(text));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no '" + text + "' after REPLAY_END; messages: " + client.messages().size(), e);
        }
    }

    /** The OUTPUT after REPLAY_END so far (empty before it). */
    private static String liveOutput(TtyClient client) {
        StringBuilder live = null;
        for (byte[] message : client.messages()) {
            if (message[0] == '4') {
                live = new StringBuilder();
            } else if (live != null && message[0] == '0') {
                live.append(new String(message, 1, message.length - 1, StandardCharsets.UTF_8));
            }
        }
        return live == null ? "" : live.toString();
    }

    @Test
    void theKeepAliveEndsAndReapsAnAbandonedTerminal() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--keep-alive", "1", "--", "sh")) {
            TtyClient client = server.open(80, 24);
            long pid = Shell.pid(client);
            String handle = Shell.terminalInfo(client)[0];
            client.abort();
            Thread.sleep(300);
            assertTrue(Processes.alive(pid), "alive within the keep-alive");
            assertTrue(Processes.awaitGone(pid, WAIT), "hung up and reaped after it");
            TtyClient late = attach(server, handle);
            TtyClient.Close close = late.awaitClose(WAIT);
            assertEquals(4005, close.code(), close.toString());
        }
    }

    @Test
    void stoppingTheServerHangsUpAndReapsDetachedTerminalsToo() throws Exception {
        TestServer server = TestServer.start("--no-auth", "--keep-alive", "600", "--kill-after", "1", "--",
                "sh", "-c", "trap '' HUP; echo ready; while :; do sleep 1; done");
        java.util.List<Long> pids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TtyClient client = server.open(80, 24);
            client.awaitOutput("ready", WAIT);
            client.abort();
        }
        server.server().terminals().forEach(t -> pids.add(t.pid()));
        assertEquals(3, pids.size());
        server.close(); // children that ignore SIGHUP get SIGKILL after --kill-after
        for (long pid : pids) {
            assertTrue(Processes.gone(pid), "pid " + pid + " survived the server's stop");
        }
        assertEquals(java.util.List.of(), Processes.lastingZombies(Duration.ofSeconds(5)));
    }

    @Test
    void twoClientsOnOneTerminalSeeTheSameOutput() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--keep-alive", "30", "--", "sh")) {
            TtyClient first = server.open(80, 24);
            String handle = Shell.terminalInfo(first)[0];
            TtyClient second = attach(server, handle);
            Shell.terminalInfo(second);
            first.input("seq 1 3000 | tr '\\n' ' '; echo done\r");
            String a = first.awaitOutput("2999 3000 done", WAIT);
            String b = second.awaitOutput("2999 3000 done", WAIT);
            String head = "1 2 3 ";
            String end = "2999 3000 done";
            // Each snapshot may already hold what came after (the next prompt): compare up to the end.
            assertEquals(a.substring(a.indexOf(head), a.indexOf(end) + end.length()),
                    b.substring(b.indexOf(head), b.indexOf(end) + end.length()), "byte for byte from the same point");
            first.close();
            second.close();
        }
    }

    @Test
    void aHandleThatDoesNotExistOrIsSomeoneElsesIsRefused() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("a", BCrypt.gensalt(4)) + "\nbob:" + BCrypt.hashpw("b", BCrypt.gensalt(4)) + "\n");
        try (TestServer server = TestServer.start("--users", users.toString(), "--keep-alive", "30", "--", "sh")) {
            String alice = server.login("alice", "a");
            String bob = server.login("bob", "b");
            TtyClient mine = TtyClient.connect(server.ws(), Map.of("Cookie", alice))
                    .handshake(server.terminalToken(Map.of("Cookie", alice)), 80, 24);
            String handle = Shell.terminalInfo(mine)[0];
            for (String wanted : new String[] {handle, "AAAAAAAAAAAAAAAAAAAAAA", "../etc"}) {
                TtyClient other = TtyClient.connect(URI.create(server.ws() + "?t=" + wanted), Map.of("Cookie", bob))
                        .handshake(server.terminalToken(Map.of("Cookie", bob)), 80, 24);
                TtyClient.Close close = other.awaitClose(WAIT);
                assertEquals(4005, close.code(), wanted + ": " + close);
            }
            mine.close();
        }
    }

    @Test
    void terminalsPerUserAreLimited() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--keep-alive", "30", "--max-terminals-per-user", "2", "--", "sh")) {
            TtyClient one = server.open(80, 24);
            TtyClient two = server.open(80, 24);
            Shell.terminalInfo(one);
            Shell.terminalInfo(two);
            TtyClient three = server.open(80, 24);
            TtyClient.Close close = three.awaitClose(WAIT);
            assertEquals(4006, close.code(), close.toString());
            assertTrue(close.reason().contains("end one first"), close.reason());
            one.close();
            two.close();
        }
    }

}
