package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import io.cloudterm.feature.CloudTermFeature;
import io.cloudterm.protocol.CloseCodes;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An application that signs its users in itself (here: it trusts a header its own proxy would
 * set) hands CloudTerm the user; each user gets their own terminals, and the Origin check stays.
 */
class EmbeddedHostSignInTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HeaderName X_USER = HeaderNames.create("X-User");
    private final EmbeddedClient http = new EmbeddedClient();

    @ParameterizedTest(name = "--native {0}")
    @ValueSource(strings = {"on", "off"})
    void theApplicationsUserOwnsTheTerminal(String nativeMode) throws Exception {
        CloudTermFeature feature = CloudTermFeature.builder().path("/term").command("sh").set("native", nativeMode)
                .authentication((headers, peer) -> headers.first(X_USER))
                .build();
        WebServer server = WebServer.builder().host("127.0.0.1").port(0).addFeature(feature).build().start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
            URI ws = URI.create("ws://127.0.0.1:" + server.port() + "/term/ws");
            Map<String, String> alice = Map.of("X-User", "alice");
            Map<String, String> bob = Map.of("X-User", "bob");
            assertEquals(200, http.get(base.resolve("term/"), alice).statusCode());

            TtyClient alicesTerminal = TtyClient.connect(ws, alice).handshake(http.terminalToken(base, alice), 80, 24);
            alicesTerminal.input("echo host-$((6*7))\r");
            alicesTerminal.awaitOutput("host-42", WAIT);
            String handle = Shell.terminalInfo(alicesTerminal)[0];
            assertTrue(http.get(base.resolve("term/api/terminals"), alice).body().contains(handle));
            assertFalse(http.get(base.resolve("term/api/terminals"), bob).body().contains(handle), "bob does not see alice's terminal");

            TtyClient intruder = TtyClient.connect(URI.create(ws + "?t=" + handle), bob).handshake(http.terminalToken(base, bob), 80, 24);
            assertEquals(CloseCodes.NO_SUCH_TERMINAL, intruder.awaitClose(WAIT).code(), "bob cannot attach to alice's terminal");
            TtyClient forged = TtyClient.connect(URI.create(ws + "?t=" + handle), bob).handshake(http.terminalToken(base, alice), 80, 24);
            assertEquals(CloseCodes.AUTH_FAILED, forged.awaitClose(WAIT).code(), "alice's terminal token is no good for bob");
        } finally {
            server.stop();
        }
    }

    @ParameterizedTest(name = "--native {0}")
    @ValueSource(strings = {"on", "off"})
    void nobodyAndForeignPagesAreRefused(String nativeMode) throws Exception {
        CloudTermFeature feature = CloudTermFeature.builder().path("/term").command("sh").set("native", nativeMode)
                .authentication((headers, peer) -> headers.first(X_USER))
                .build();
        WebServer server = WebServer.builder().host("127.0.0.1").port(0).addFeature(feature).build().start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
            assertEquals(401, http.get(base.resolve("term/"), Map.of()).statusCode());
            assertEquals(401, http.get(base.resolve("term/token"), Map.of()).statusCode());
            assertEquals(401, http.get(base.resolve("term/token"), Map.of("X-User", " ")).statusCode(), "a blank name is nobody");
            assertEquals(404, http.get(base.resolve("term/login"), Map.of("X-User", "alice")).statusCode(),
                    "the application signs users in: CloudTerm has no login form");
            assertTrue(feature.accessToken().isEmpty(), "nor an access token");

            String host = "Host: 127.0.0.1:" + server.port() + "\r\n";
            String upgrade = "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: tty\r\n\r\n";
            assertEquals(401, RawHttp.exchange(server.port(), "GET /term/ws HTTP/1.1\r\n" + host + upgrade).status());
            assertEquals(403, RawHttp.exchange(server.port(), "GET /term/ws HTTP/1.1\r\n" + host + "X-User: alice\r\n"
                    + "Origin: http://evil.example\r\n" + upgrade).status(), "a foreign page cannot open alice's terminal");
            assertEquals(101, RawHttp.exchange(server.port(), "GET /term/ws HTTP/1.1\r\n" + host + "X-User: alice\r\n"
                    + "Origin: http://127.0.0.1:" + server.port() + "\r\n" + upgrade).status(), "her own page can");
        } finally {
            server.stop();
        }
    }

    @org.junit.jupiter.api.Test
    void theApplicationsSignInReplacesCloudTermsLogins() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebServer.builder()
                .host("127.0.0.1").port(0)
                .addFeature(CloudTermFeature.builder().path("/term").credential("u:p")
                        .authentication((headers, peer) -> headers.first(X_USER)).build())
                .build().start());
        assertTrue(e.getMessage().contains("authentication(...) replaces CloudTerm's logins"), e.getMessage());
    }
}
