package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pings find peers that are gone without closing anything (a sleeping laptop, a dead network). */
class HeartbeatTest {

    @Test
    void aPeerThatStopsAnsweringPingsIsDroppedAndItsTerminalHungUp() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--ping-interval", "1", "--", "sh")) {
            // This client reads (and so answers pings) only when asked to, and never asks.
            TtyClient silent = TtyClient.builder(server.ws()).readOnRequest().connect().handshake("", 80, 24);
            long pid = awaitTerminal(server).pid();
            assertTrue(Processes.awaitGone(pid, Duration.ofSeconds(15)), "the silent peer's shell is still alive");
            silent.abort();
        }
    }

    @Test
    void aPeerThatAnswersPingsStaysConnected() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--ping-interval", "1", "--", "sh");
             TtyClient client = server.open(80, 24)) {
            Thread.sleep(4500);
            client.input("echo st''ill here\r");
            client.awaitOutput("still here\r\n", Duration.ofSeconds(10));
        }
    }

    @Test
    void onlyQuietPeersArePinged() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--ping-interval", "1", "--", "sh");
             TtyClient typing = server.open(80, 24);
             TtyClient quiet = server.open(80, 24)) {
            for (int i = 0; i < 20; i++) { // 3 s of a keystroke every 150 ms
                typing.input(" ");
                Thread.sleep(150);
            }
            assertEquals(0, typing.pings(), "a client that keeps talking is alive: no ping");
            assertTrue(quiet.pings() >= 2, "the quiet client was pinged " + quiet.pings() + " times");
        }
    }

    private static io.cloudterm.terminal.Terminal awaitTerminal(TestServer server) {
        await().atMost(java.time.Duration.ofSeconds(20)).until(() -> !server.server().terminals().isEmpty());
        return server.onlyTerminal();
    }
}
