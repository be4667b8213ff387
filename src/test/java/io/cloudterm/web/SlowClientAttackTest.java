package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that sends its request slowly, or never finishes it, is answered 408 and closed once
 * its time is up (configured here at 1 s, so that the tests are quick); WebSockets, which are
 * idle by nature, are not touched.
 */
@Tag("security")
class SlowClientAttackTest {

    /** How long a closed connection may take to be noticed on a loaded machine: many times the 1 s timeout. */
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static TestServer start(String nativeMode) {
        return TestServer.start("--no-auth", "--native", nativeMode, "--header-timeout", "1", "--body-timeout", "1",
                "--", "sh");
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void halfSentHeadersAreAnswered408AndClosed(String nativeMode) throws Exception {
        try (LogRecords log = LogRecords.capture(); TestServer server = start(nativeMode);
             RawConnection client = RawConnection.connect(server.server().port())) {
            String answer = client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n").readUntilClosed(WAIT);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertEquals(List.of(), log.traces());
            assertTrue(log.warnings().stream().anyMatch(line -> line.contains("request headers not received in time")),
                    log.warnings().toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void aConnectionThatSendsNothingIsClosed(String nativeMode) throws Exception {
        // Helidon waits for the first bytes before any HTTP/1 code of ours or its own sees the connection.
        try (TestServer server = start(nativeMode); RawConnection client = RawConnection.connect(server.server().port())) {
            assertTrue(client.closedWithin(WAIT), "a silent connection is still open after " + WAIT);
        }
    }

    @Test
    void aConnectionIdleAfterItsResponseIsClosedWithoutAnAnswer() throws Exception {
        try (TestServer server = start("on"); RawConnection client = RawConnection.connect(server.server().port())) {
            String answer = client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse(WAIT);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            // A 408 here could be read by the client as the answer to the request it is about to send.
            assertEquals("", client.readUntilClosed(WAIT));
        }
    }

    @Test
    void headersDrippedByteByByteAreBoundedAsAWhole() throws Exception {
        // Slowloris: each byte comes well within the timeout, the headers never end.
        try (TestServer server = start("on"); RawConnection client = RawConnection.connect(server.server().port())) {
            client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            long end = System.nanoTime() + WAIT.toNanos();
            boolean closed = false;
            while (!closed && System.nanoTime() < end) {
                try {
                    client.send("X");
                } catch (IOException e) {
                    closed = true;
                    break;
                }
                closed = client.closedWithin(Duration.ofMillis(200));
            }
            assertTrue(closed, "a client dripping a header a byte at a time is still open after " + WAIT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void aBodyThatStopsHalfWayIsAnswered408AndClosed(String nativeMode) throws Exception {
        try (LogRecords log = LogRecords.capture(); TestServer server = start(nativeMode);
             RawConnection client = RawConnection.connect(server.server().port())) {
            String answer = client.send("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ntoken=abc").readUntilClosed(WAIT);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertEquals(List.of(), log.traces());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void aClientThatHangsUpHalfWayThroughItsHeadersCostsNoStackTrace(String nativeMode) throws Exception {
        try (LogRecords log = LogRecords.capture(); TestServer server = start(nativeMode)) {
            try (RawConnection client = RawConnection.connect(server.server().port())) {
                client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            }
            // The server's answer to the next client comes after it has dealt with the one that left.
            assertEquals(200, server.get("", Map.of()).statusCode());
            Thread.sleep(500);
            assertEquals(List.of(), log.traces());
        }
    }

    @Test
    void aKeptAliveConnectionServesRequestsWithinItsTime() throws Exception {
        try (TestServer server = start("on"); RawConnection client = RawConnection.connect(server.server().port())) {
            for (int i = 0; i < 3; i++) {
                String answer = client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse(WAIT);
                assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            }
        }
    }

    @Test
    void twoHundredSlowlorisConnectionsAreAllClosedAndTheServerStillAnswers() throws Exception {
        try (LogRecords log = LogRecords.capture(); TestServer server = start("on")) {
            List<RawConnection> attackers = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    attackers.add(RawConnection.connect(server.server().port()).send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
                }
                for (RawConnection attacker : attackers) {
                    assertTrue(attacker.closedWithin(WAIT), "a half-sent request is still open");
                }
            } finally {
                for (RawConnection attacker : attackers) {
                    attacker.close();
                }
            }
            assertEquals(200, server.get("", Map.of()).statusCode());
            assertEquals(List.of(), log.traces());
            long lines = log.warnings().stream().filter(line -> line.contains("not received in time")).count();
            assertTrue(lines <= 2, "one line for the kind of fault, not one per connection: " + lines);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void anIdleWebSocketOutlivesTheHeaderTimeout(String nativeMode) throws Exception {
        try (TestServer server = start(nativeMode);
             TtyClient client = TtyClient.connect(server.ws(), Map.of()).handshake("", 80, 24)) {
            Thread.sleep(3_000); // three header timeouts without a byte from the client
            client.input("echo still'' here\r");
            client.awaitOutput("still here\r\n", WAIT);
        }
    }
}
