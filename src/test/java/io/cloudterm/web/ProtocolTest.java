package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The terminal protocol end to end, over a real socket to a real child on a real pty, in both pty
 * modes: native (FFM) and pure Java (script(1)).
 */
class ProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void titleAndPreferencesComeFirst(String mode) {
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "-t", "fontSize=17", "-t", "cursorStyle=bar",
                "--", "sh", "-c", "echo ready; sleep 5");
             TtyClient client = server.open(80, 24)) {
            client.awaitOutput("ready", WAIT);
            List<byte[]> messages = client.messages();
            assertEquals('1', messages.get(0)[0], "first message is SET_WINDOW_TITLE");
            assertTrue(text(messages.get(0)).startsWith("1sh ("), text(messages.get(0)));
            assertEquals("2{\"fontSize\":17,\"cursorStyle\":\"bar\"}", text(messages.get(1)));
            assertEquals('3', messages.get(2)[0], "then TERMINAL_INFO, which ttyd clients ignore");
            assertEquals("4", text(messages.get(3)), "then REPLAY_END, at once: a new terminal has no history");
            assertEquals('0', messages.get(4)[0], "then OUTPUT");
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void typedInputReachesTheShellAndItsOutputComesBack(String mode) {
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--", "sh");
             TtyClient client = server.open(80, 24)) {
            client.input("echo hel''lo\r");
            client.awaitOutput("hello\r\n", WAIT);
        }
    }

    /**
     * Keystrokes go straight to the pty when it takes them; what it does not take waits for a
     * writer thread. A paste far larger than the tty's input queue, in messages of mixed sizes,
     * sent while the child is not yet reading, must arrive whole and in order.
     */
    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void inputTheChildIsSlowToReadArrivesWholeAndInOrder(String mode) throws Exception {
        int total = 300_000;
        byte[] paste = new byte[total];
        for (int i = 0; i < total; i++) {
            paste[i] = (byte) ('a' + (i * 7 + i / 26) % 26);
        }
        String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(paste));
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--", "sh", "-c",
                "stty raw -echo; echo ready; sleep 1; head -c " + total + " | sha256sum");
             TtyClient client = server.open(80, 24)) {
            client.awaitOutput("ready", WAIT);
            int at = 0;
            int[] sizes = {1, 1, 1, 4000, 1, 17, 65_000, 1, 300};
            for (int i = 0; at < total; i++) {
                int n = Math.min(sizes[i % sizes.length], total - at);
                byte[] message = new byte[n + 1];
                message[0] = '0';
                System.arraycopy(paste, at, message, 1, n);
                client.send(message);
                at += n;
            }
            client.awaitOutput(expected, WAIT);
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void theChildStartsAtTheClientsSizeAndSeesResizes(String mode) {
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--", "sh");
             TtyClient client = server.open(100, 30)) {
            client.input("stty size\r");
            client.awaitOutput("30 100\r\n", WAIT);
            client.resize(132, 43);
            client.input("stty size\r");
            client.awaitOutput("43 132\r\n", WAIT);
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void exitStatusClosesTheConnectionAfterAllOutput(String mode) {
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--", "sh", "-c", "seq 1 20000; exit 3");
             TtyClient client = server.open(80, 24)) {
            TtyClient.Close close = client.awaitClose(WAIT);
            assertEquals(new TtyClient.Close(1000, "exit 3"), close);
            assertEquals(Shell.countedLines(20000), client.outputText());
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void aChildKilledByASignalSaysSoInTheClose(String mode) {
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--", "sh", "-c", "kill -9 $$");
             TtyClient client = server.open(80, 24)) {
            assertEquals(new TtyClient.Close(1000, "signal 9"), client.awaitClose(WAIT));
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void disconnectHangsUpAndReapsTheChild(String mode) throws Exception {
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--", "sh")) {
            TtyClient client = server.open(80, 24);
            client.input("echo $$\r");
            client.awaitOutput("\r\n", WAIT);
            long pid = server.onlyTerminal().pid();
            assertTrue(Processes.alive(pid));
            client.abort();
            assertTrue(Processes.awaitGone(pid, WAIT), "pid " + pid + " still there after the client vanished");
            assertEquals(java.util.List.of(), Processes.lastingZombies(Duration.ofSeconds(5)), "zombies");
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void aChildThatIgnoresHangupIsKilledAfterTheGracePeriod(String mode) throws Exception {
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--kill-after", "1", "--",
                "sh", "-c", "trap '' HUP; echo trapped; while :; do sleep 1; done")) {
            TtyClient client = server.open(80, 24);
            client.awaitOutput("trapped", WAIT);
            long pid = server.onlyTerminal().pid();
            client.close();
            Thread.sleep(500);
            assertTrue(Processes.alive(pid), "HUP was ignored, so the child lives through the grace period");
            assertTrue(Processes.awaitGone(pid, WAIT), "pid " + pid + " survived SIGKILL");
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void aCustomHangupSignalIsSent(String mode) throws Exception {
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--signal", "TERM", "--kill-after", "30", "--",
                "sh", "-c", "trap 'exit 0' TERM; trap '' HUP; echo ready; while :; do sleep 0.1; done")) {
            TtyClient client = server.open(80, 24);
            client.awaitOutput("ready", WAIT);
            long pid = server.onlyTerminal().pid();
            client.close();
            assertTrue(Processes.awaitGone(pid, Duration.ofSeconds(10)), "SIGTERM did not end pid " + pid);
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void urlArgumentsAreAppendedWithoutAShell(String mode) {
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "-a", "--", "printf", "[%s]");
             TtyClient client = TtyClient.connect(java.net.URI.create(server.ws() + "?arg=a%20b&arg=%24(id)"), java.util.Map.of())
                     .handshake("", 80, 24)) {
            client.awaitClose(WAIT);
            assertEquals("[a b][$(id)]", client.outputText());
        }
    }

    private static String text(byte[] message) {
        return new String(message, StandardCharsets.UTF_8);
    }

    static void assertSameBytes(byte[] expected, byte[] actual) {
        assertArrayEquals(expected, actual);
    }
}
