package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.cli.CloudTerm;
import io.cloudterm.client.TtyClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole server over HTTPS and WSS: HSTS, secure cookies, and client certificates as the login. */
class TlsServerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private static TlsFixtures ca;
    private static TlsFixtures.Identity server;
    private static TlsFixtures.Identity alice;
    private static TlsFixtures.Identity stranger;

    @BeforeAll
    static void certificates() throws Exception {
        ca = TlsFixtures.authority(dir, "ca");
        server = ca.server(TlsFixtures.KeyFormat.PKCS8_EC);
        alice = ca.client("/O=Ops/CN=alice");
        stranger = TlsFixtures.authority(dir, "other").client("/CN=mallory");
    }

    private static HttpClient client(TlsFixtures.Identity identity) throws Exception {
        SSLContext context = TlsFixtures.clientContext(ca.certificate(), identity);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static HttpResponse<String> get(HttpClient http, URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String tokenFrom(HttpResponse<String> response) {
        Matcher m = Pattern.compile("\"token\":\"([^\"]*)\"").matcher(response.body());
        assertTrue(m.find(), response.body());
        return m.group(1);
    }

    @Test
    void httpsCarriesHstsAndTheAccessTokenCookieIsSecureWithTheHostPrefix() throws Exception {
        try (TestServer cloudterm = TestServer.start("--ssl", "--ssl-cert", server.certificate().toString(),
                "--ssl-key", server.key().toString(), "--", "sh");
             HttpClient http = client(null)) {
            assertTrue(cloudterm.server().url().toString().startsWith("https://"));
            HttpResponse<String> page = get(http, cloudterm.url(""), Map.of());
            assertEquals(200, page.statusCode());
            assertEquals("max-age=31536000", page.headers().firstValue("Strict-Transport-Security").orElse(""));
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(cloudterm.url("login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + cloudterm.server().accessToken().orElseThrow()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, login.statusCode());
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(setCookie.startsWith("__Host-cloudterm_session=") && setCookie.contains("Secure")
                    && setCookie.contains("Path=/"), setCookie);
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            String token = tokenFrom(get(http, cloudterm.url("token"), Map.of("Cookie", cookie)));
            URI wss = URI.create(cloudterm.ws().toString());
            assertTrue(wss.getScheme().equals("wss"), wss.toString());
            try (TtyClient terminal = TtyClient.builder(wss).header("Cookie", cookie).tls(http.sslContext()).connect()
                    .handshake(token, 80, 24)) {
                terminal.input("echo o''ver tls\r");
                terminal.awaitOutput("over tls\r\n", WAIT);
            }
        }
    }

    /**
     * A gateway that terminates TLS (its clients' certificates are the login) relays over its TLS
     * connections by copying, as it must, to a plain host that knows the certificate's user.
     */
    @Test
    void aGatewayOverTlsRelaysByCopyingToAHostThatKnowsTheCertificatesUser() throws Exception {
        io.cloudterm.auth.KeyFiles.Pair keys = io.cloudterm.auth.KeyFiles.pair();
        Path privateKey = io.cloudterm.auth.KeyFiles.write(dir, "gateway.key", keys.privatePem());
        Path publicKey = io.cloudterm.auth.KeyFiles.write(dir, "gateway.pub", keys.publicPem());
        try (TestServer host = TestServer.start("--interface", "127.0.0.2", "--trust-gateway", publicKey.toString(), "--",
                "sh");
             TestServer gateway = TestServer.start(io.cloudterm.cli.CloudTerm.configFrom("gateway", "--port", "0",
                     "--hosts", "static:" + host.server().url().getAuthority(), "--gateway-key", privateKey.toString(),
                     "--ssl", "--ssl-cert", server.certificate().toString(), "--ssl-key", server.key().toString(),
                     "--ssl-ca", ca.certificate().toString()));
             HttpClient http = client(alice)) {
            String token = tokenFrom(get(http, gateway.url("token"), Map.of()));
            try (TtyClient terminal = TtyClient.builder(gateway.ws()).tls(http.sslContext()).connect().handshake(token, 80, 24)) {
                terminal.input("echo user=$CLOUDTERM_USER.; seq 1 30000; echo se''q-done\r");
                terminal.awaitOutput("user=alice.", WAIT);
                String output = terminal.awaitOutput("seq-done\r\n", WAIT);
                assertTrue(output.contains(Shell.countedLines(30000)), "every line, once, in order, through TLS and the relay");
                assertEquals(1, host.server().terminals().size());
            }
        }
    }

    @Test
    void aClientCertificateIsTheLoginAndNamesTheUser() throws Exception {
        try (TestServer cloudterm = TestServer.start("--ssl", "--ssl-cert", server.certificate().toString(),
                "--ssl-key", server.key().toString(), "--ssl-ca", ca.certificate().toString(), "--", "sh");
             HttpClient http = client(alice)) {
            String token = tokenFrom(get(http, cloudterm.url("token"), Map.of()));
            try (TtyClient terminal = TtyClient.builder(cloudterm.ws()).tls(http.sslContext()).connect().handshake(token, 80, 24)) {
                terminal.input("echo user=$CLOUDTERM_USER.\r");
                terminal.awaitOutput("user=alice.", WAIT);
            }
        }
    }

    @Test
    void withoutAGoodClientCertificateTheHandshakeFails() throws Exception {
        try (TestServer cloudterm = TestServer.start("--ssl", "--ssl-cert", server.certificate().toString(),
                "--ssl-key", server.key().toString(), "--ssl-ca", ca.certificate().toString(), "--", "sh")) {
            for (TlsFixtures.Identity who : new TlsFixtures.Identity[] {null, stranger}) {
                try (HttpClient http = client(who)) {
                    assertThrows(java.io.IOException.class, () -> get(http, cloudterm.url("token"), Map.of()),
                            who == null ? "no certificate" : "a certificate from another CA");
                }
            }
            assertTrue(cloudterm.server().terminals().isEmpty());
        }
    }

    @Test
    void unusableTlsFilesAreOneLineAndStatusTwo() throws Exception {
        String[][] cases = {
            {"--ssl", "--ssl-cert", dir.resolve("missing.pem").toString(), "--ssl-key", server.key().toString()},
            {"--ssl", "--ssl-cert", server.certificate().toString(), "--ssl-key", alice.key().toString()},
            {"--ssl", "--ssl-cert", server.certificate().toString()},
        };
        String[] expected = {"does not exist", "does not match", "--ssl needs --ssl-cert FILE and --ssl-key FILE"};
        for (int i = 0; i < cases.length; i++) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("--port", "0"),
                    java.util.Arrays.stream(cases[i])).toArray(String[]::new);
            int status = runCli(args, err);
            String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, status, message);
            assertTrue(message.contains(expected[i]), message);
            assertEquals(1, message.lines().count(), message);
        }
    }

    private static int runCli(String[] args, ByteArrayOutputStream err) throws Exception {
        var run = CloudTerm.class.getDeclaredMethod("run", String[].class, PrintStream.class, PrintStream.class);
        run.setAccessible(true);
        return (int) run.invoke(null, args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
