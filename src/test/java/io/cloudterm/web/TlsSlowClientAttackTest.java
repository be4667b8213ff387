package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over TLS, Helidon serves WebSockets itself and runs a handshake before any HTTP: the same
 * request timeouts and framing rules hold, the handshake is bounded too, and an idle WebSocket
 * lives on.
 */
@Tag("security")
class TlsSlowClientAttackTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;
    private static TlsFixtures ca;
    private static TlsFixtures.Identity server;

    @BeforeAll
    static void certificates() throws Exception {
        ca = TlsFixtures.authority(dir, "ca");
        server = ca.server(TlsFixtures.KeyFormat.PKCS8_EC);
    }

    private static TestServer start() {
        return TestServer.start("--ssl", "--ssl-cert", server.certificate().toString(), "--ssl-key", server.key().toString(),
                "--header-timeout", "1", "--body-timeout", "1", "--", "sh");
    }

    private static RawConnection tls(TestServer cloudterm) throws Exception {
        SSLContext context = TlsFixtures.clientContext(ca.certificate(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", cloudterm.server().port());
        socket.startHandshake();
        return RawConnection.over(socket);
    }

    @Test
    void aClientThatNeverStartsItsHandshakeIsClosed() throws Exception {
        try (TestServer cloudterm = start(); Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", cloudterm.server().port()), 10_000);
            assertTrue(RawConnection.over(silent).closedWithin(WAIT), "a TLS connection without a handshake is still open");
        }
    }

    @Test
    void halfSentHeadersAreAnswered408AndClosed() throws Exception {
        try (LogRecords log = LogRecords.capture(); TestServer cloudterm = start(); RawConnection client = tls(cloudterm)) {
            String answer = client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n").readUntilClosed(WAIT);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertEquals(List.of(), log.traces());
        }
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndClosed() throws Exception {
        try (TestServer cloudterm = start(); RawConnection client = tls(cloudterm)) {
            String answer = client.send("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").readUntilClosed(WAIT);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        }
    }

    @Test
    void anIdleWebSocketOutlivesTheHeaderTimeout() throws Exception {
        try (TestServer cloudterm = start();
             java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                     .sslContext(TlsFixtures.clientContext(ca.certificate(), null)).build()) {
            java.net.http.HttpResponse<String> login = http.send(java.net.http.HttpRequest.newBuilder(cloudterm.url("login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + cloudterm.server().accessToken().orElseThrow()))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            java.net.http.HttpResponse<String> tokenResponse = http.send(java.net.http.HttpRequest.newBuilder(cloudterm.url("token"))
                    .header("Cookie", cookie).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            java.util.regex.Matcher token = java.util.regex.Pattern.compile("\"token\":\"([^\"]*)\"").matcher(tokenResponse.body());
            assertTrue(token.find(), tokenResponse.body());
            try (TtyClient terminal = TtyClient.builder(cloudterm.ws()).header("Cookie", cookie).tls(http.sslContext()).connect()
                    .handshake(token.group(1), 80, 24)) {
                Thread.sleep(3_000); // three header timeouts without a byte from the client
                terminal.input("echo still'' here\r");
                terminal.awaitOutput("still here\r\n", WAIT);
            }
        }
    }
}
