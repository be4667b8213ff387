package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ttyd-style {@code -c user:password}: a guesser of the single credential is throttled by their
 * connection's address, on plain requests and on the WebSocket upgrade alike, and only slows down
 * themselves. 127.0.0.2 plays the attacker and 127.0.0.1 the owner (all of 127/8 is loopback on
 * Linux). With a burst of 3 and a refill of an hour, the count is exact.
 */
@Tag("security")
class BasicThrottleAttackTest {

    private static final String ATTACKER = "127.0.0.2";
    private static final String OWNER = "127.0.0.1";
    private static final String RIGHT = "alice:wonderland";
    private static final String WRONG = "alice:guess";

    private static TestServer start(String nativeMode) {
        return TestServer.start("--native", nativeMode, "-c", RIGHT, "--login-burst", "3", "--login-refill", "3600",
                "--", "sh");
    }

    private static String basic(String userColonPassword) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8))
                + "\r\n";
    }

    private static RawHttp.Response get(TestServer server, String from, String extraHeaders) throws Exception {
        String host = "127.0.0.1:" + server.server().port();
        return RawHttp.exchange(server, InetAddress.getByName(from),
                "GET / HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders + "Connection: close\r\n\r\n");
    }

    private static RawHttp.Response upgrade(TestServer server, String from, String credential) throws Exception {
        String host = "127.0.0.1:" + server.server().port();
        String request = RawHttp.upgrade(host, "http://" + host);
        request = request.substring(0, request.length() - 2) + basic(credential) + "\r\n";
        return RawHttp.exchange(server, InetAddress.getByName(from), request);
    }

    @Test
    void aGuesserOnPlainRequestsIsThrottledAndTheOwnerStillGetsIn() throws Exception {
        try (TestServer server = start("off")) {
            for (int i = 0; i < 3; i++) {
                assertEquals(401, get(server, ATTACKER, basic(WRONG)).status(), "guess " + i + " is answered");
            }
            RawHttp.Response throttled = get(server, ATTACKER, basic(WRONG));
            assertEquals(429, throttled.status(), "the fourth guess within the hour waits");
            assertTrue(throttled.head().toLowerCase().contains("\r\nretry-after: "), throttled.head());
            assertEquals(429, get(server, ATTACKER, basic(RIGHT)).status(),
                    "a throttled address is refused before its credential is compared: a right guess tells nothing");
            assertEquals(429, get(server, ATTACKER, basic(WRONG) + "X-Forwarded-For: 192.0.2.9\r\n").status(),
                    "a forged X-Forwarded-For is ignored");
            assertEquals(200, get(server, OWNER, basic(RIGHT)).status(), "the owner's address is not the guesser's");
        }
    }

    @Test
    void rightCredentialsAndPromptsCostNothing() throws Exception {
        try (TestServer server = start("off")) {
            for (int i = 0; i < 10; i++) {
                assertEquals(200, get(server, OWNER, basic(RIGHT)).status(), "request " + i + " with the credential");
                assertEquals(401, get(server, OWNER, "").status(), "request " + i + " without one asks for it");
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(401, get(server, OWNER, basic(WRONG)).status(), "a typo " + i + " still gets the prompt");
            }
            assertEquals(429, get(server, OWNER, basic(RIGHT)).status(), "only the three failures were counted");
        }
    }

    @ParameterizedTest(name = "--native {0}")
    @ValueSource(strings = {"on", "off"})
    void aGuesserOnTheWebSocketUpgradeIsThrottledAndTheOwnerStillConnects(String nativeMode) throws Exception {
        try (TestServer server = start(nativeMode)) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response refused = upgrade(server, ATTACKER, WRONG);
                assertEquals(401, refused.status(), "guess " + i + " is counted once: " + refused.head());
            }
            RawHttp.Response throttled = upgrade(server, ATTACKER, WRONG);
            assertEquals(429, throttled.status(), "the fourth guess within the hour waits");
            assertTrue(throttled.head().toLowerCase().contains("\r\nretry-after: "), throttled.head());
            assertEquals(429, upgrade(server, ATTACKER, RIGHT).status(),
                    "a throttled address gets no WebSocket, even with the right credential");
            assertEquals(429, get(server, ATTACKER, basic(RIGHT)).status(), "nor a page");
            assertEquals(101, upgrade(server, OWNER, RIGHT).status(), "the owner's terminal opens from another address");
        }
    }
}
