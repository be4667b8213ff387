package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.cloudterm.web.TlsFixtures.Identity;
import io.cloudterm.web.TlsFixtures.KeyFormat;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** HTTPS and WSS from PEM files, mutual TLS, and one plain sentence for each file a user can get wrong. */
class TlsSettingsTest {

    @TempDir
    static Path dir;
    private static TlsFixtures ca;
    private static TlsFixtures otherCa;
    private static Identity server;
    private static Identity alice;
    private static Identity strangerFromOtherCa;

    @BeforeAll
    static void authorities() throws IOException {
        ca = TlsFixtures.authority(dir, "CloudTerm Test CA");
        otherCa = TlsFixtures.authority(dir, "Other CA");
        server = ca.server(KeyFormat.PKCS8_EC);
        alice = ca.client("/O=Ops/CN=alice");
        strangerFromOtherCa = otherCa.client("/CN=alice");
    }

    @Test
    void httpsAnswersAClientThatTrustsTheCa() throws Exception {
        try (Served served = serve(TlsSettings.create(server.certificate(), server.key(), Optional.empty()))) {
            HttpResponse<String> response = get(served, TlsFixtures.clientContext(ca.certificate(), null));
            assertEquals(200, response.statusCode());
            assertEquals("nobody, secure", response.body());
        }
    }

    @Test
    void wssWebSocketOpens() throws Exception {
        try (Served served = serve(TlsSettings.create(server.certificate(), server.key(), Optional.empty()))) {
            assertEquals("hello nobody", firstWebSocketMessage(served, TlsFixtures.clientContext(ca.certificate(), null)));
        }
    }

    @ParameterizedTest
    @EnumSource(KeyFormat.class)
    void eachAcceptedKeyFormatServesHttps(KeyFormat format) throws Exception {
        Identity identity = ca.server(format);
        try (Served served = serve(TlsSettings.create(identity.certificate(), identity.key(), Optional.empty()))) {
            assertEquals(200, get(served, TlsFixtures.clientContext(ca.certificate(), null)).statusCode());
        }
    }

    @Test
    void onlyTls12AndTls13AreOffered() throws Exception {
        TlsSettings settings = TlsSettings.create(server.certificate(), server.key(), Optional.empty());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, settings.tls().sslParameters().getProtocols());
        try (Served served = serve(settings);
             SSLSocket socket = (SSLSocket) TlsFixtures.clientContext(ca.certificate(), null).getSocketFactory()
                     .createSocket("127.0.0.1", served.web().port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
        }
    }

    @Test
    void withAClientCaAClientWithoutCertificateIsRefusedInTheHandshake() throws Exception {
        TlsSettings settings = TlsSettings.create(server.certificate(), server.key(), Optional.of(ca.certificate()));
        assertTrue(settings.mutual());
        try (Served served = serve(settings)) {
            SSLContext anonymous = TlsFixtures.clientContext(ca.certificate(), null);
            assertThrows(IOException.class, () -> get(served, anonymous));
            assertThrows(IOException.class, () -> firstWebSocketMessage(served, anonymous));
            assertEquals(0, served.requests().get(), "a request got past the handshake");
        }
    }

    @Test
    void withAClientCaACertificateFromAnotherCaIsRefused() throws Exception {
        try (Served served = serve(TlsSettings.create(server.certificate(), server.key(), Optional.of(ca.certificate())))) {
            SSLContext stranger = TlsFixtures.clientContext(ca.certificate(), strangerFromOtherCa);
            assertThrows(IOException.class, () -> get(served, stranger));
            assertThrows(IOException.class, () -> firstWebSocketMessage(served, stranger));
            assertEquals(0, served.requests().get(), "a request got past the handshake");
        }
    }

    @Test
    void withAClientCaAGoodCertificateGetsInAsItsCommonName() throws Exception {
        try (Served served = serve(TlsSettings.create(server.certificate(), server.key(), Optional.of(ca.certificate())))) {
            SSLContext good = TlsFixtures.clientContext(ca.certificate(), alice);
            assertEquals("alice, secure", get(served, good).body());
            assertEquals("hello alice", firstWebSocketMessage(served, good));
        }
    }

    @Test
    void aSubjectWithoutCommonNameIsTheWholeDistinguishedName() throws Exception {
        Identity bob = ca.client("/O=Ops/UID=bob");
        try (Served served = serve(TlsSettings.create(server.certificate(), server.key(), Optional.of(ca.certificate())))) {
            assertEquals("UID=bob,O=Ops, secure", get(served, TlsFixtures.clientContext(ca.certificate(), bob)).body());
        }
    }

    @Test
    void aMissingCertificateFileIsNamed() {
        Path missing = dir.resolve("no-such-cert.pem");
        assertEquals("--ssl-cert " + missing + " does not exist",
                refusal(() -> TlsSettings.create(missing, server.key(), Optional.empty())));
    }

    @Test
    void aMissingKeyFileIsNamed() {
        Path missing = dir.resolve("no-such-key.pem");
        assertEquals("--ssl-key " + missing + " does not exist",
                refusal(() -> TlsSettings.create(server.certificate(), missing, Optional.empty())));
    }

    @Test
    void aMissingClientCaFileIsNamed() {
        Path missing = dir.resolve("no-such-ca.pem");
        assertEquals("--ssl-ca " + missing + " does not exist",
                refusal(() -> TlsSettings.create(server.certificate(), server.key(), Optional.of(missing))));
    }

    @Test
    void anUnreadableFileIsNamed() throws IOException {
        // root reads any file whatever its mode, so this story can only be told as another user
        assumeFalse("root".equals(System.getProperty("user.name")), "running as root: chmod 000 does not stop reads");
        Path locked = Files.copy(server.key(), dir.resolve("locked.key"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assertEquals("--ssl-key " + locked + " is not readable by user " + System.getProperty("user.name"),
                refusal(() -> TlsSettings.create(server.certificate(), locked, Optional.empty())));
    }

    @Test
    void aDirectoryIsNotAPemFile() {
        assertEquals("--ssl-cert " + dir + " is a directory, not a PEM file",
                refusal(() -> TlsSettings.create(dir, server.key(), Optional.empty())));
    }

    @Test
    void garbageInsteadOfACertificateHoldsNoPemCertificate() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage-cert.pem"), "this is not a certificate\n");
        assertEquals("--ssl-cert " + garbage + " holds no PEM certificate ('BEGIN CERTIFICATE')",
                refusal(() -> TlsSettings.create(garbage, server.key(), Optional.empty())));
    }

    @Test
    void garbageInsteadOfAKeyHoldsNoPemPrivateKey() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.key"), "this is not a key\n");
        assertEquals("--ssl-key " + garbage + " holds no PEM private key (" + TlsSettings.KEY_FORMATS + ")",
                refusal(() -> TlsSettings.create(server.certificate(), garbage, Optional.empty())));
    }

    @Test
    void aDamagedCertificateSaysSo() throws IOException {
        Path damaged = Files.writeString(dir.resolve("damaged.pem"),
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertTrue(refusal(() -> TlsSettings.create(damaged, server.key(), Optional.empty()))
                .startsWith("--ssl-cert " + damaged + " holds a damaged PEM certificate"));
    }

    @Test
    void swappedCertificateAndKeyAreSuspected() {
        assertEquals("--ssl-cert " + server.key() + " holds no PEM certificate ('BEGIN CERTIFICATE')"
                        + " (it holds a private key: are --ssl-cert and --ssl-key swapped?)",
                refusal(() -> TlsSettings.create(server.key(), server.certificate(), Optional.empty())));
    }

    @Test
    void anEncryptedKeyIsRefusedWithTheCommandThatDecryptsIt() throws Exception {
        Path encrypted = dir.resolve("encrypted.key");
        Process openssl = new ProcessBuilder("/usr/bin/openssl", "pkey", "-in", server.key().toString(), "-aes256",
                "-passout", "pass:secret", "-out", encrypted.toString()).redirectErrorStream(true).start();
        assertTrue(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0);
        String message = refusal(() -> TlsSettings.create(server.certificate(), encrypted, Optional.empty()));
        assertTrue(message.startsWith("--ssl-key " + encrypted + " is encrypted;"), message);
        assertTrue(message.contains("openssl pkey -in " + encrypted), message);
    }

    @Test
    void aKeyOfAnotherCertificateDoesNotMatch() throws IOException {
        Identity other = ca.server(KeyFormat.PKCS1_RSA);
        for (Path wrongKey : List.of(other.key(), alice.key())) {
            assertEquals("--ssl-key " + wrongKey + " does not match --ssl-cert " + server.certificate()
                            + " (the certificate's public key is not this key's; the server's own certificate must come first)",
                    refusal(() -> TlsSettings.create(server.certificate(), wrongKey, Optional.empty())));
        }
    }

    @Test
    void garbageInsteadOfAClientCaHoldsNoPemCertificate() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage-ca.pem"), "not a CA\n");
        assertEquals("--ssl-ca " + garbage + " holds no PEM certificate ('BEGIN CERTIFICATE')",
                refusal(() -> TlsSettings.create(server.certificate(), server.key(), Optional.of(garbage))));
    }

    @Test
    void anExpiredCertificateIsAWarningNotAnError() throws IOException {
        Identity expired = ca.expiredServer();
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(TlsSettings.class.getName());
        log.addHandler(handler);
        try {
            TlsSettings.create(expired.certificate(), expired.key(), Optional.empty());
        } finally {
            log.removeHandler(handler);
        }
        assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.WARNING
                        && r.getMessage().contains(expired.certificate() + ": the certificate of CN=localhost expired on 2020-01-02")),
                records.stream().map(LogRecord::getMessage).toList().toString());
    }

    @Test
    void theStartUpLineNamesTheCertificateAndTheClientCa() {
        String line = TlsSettings.create(server.certificate(), server.key(), Optional.of(ca.certificate())).description();
        assertTrue(line.startsWith("TLS as CN=localhost until 20"), line);
        assertTrue(line.endsWith("; client certificates required, issued by CN=CloudTerm Test CA"), line);
    }

    @Test
    void hstsLastsAYearAndLeavesSubdomainsAlone() {
        assertEquals("Strict-Transport-Security", TlsSettings.STRICT_TRANSPORT_SECURITY.name());
        assertEquals("max-age=31536000", TlsSettings.STRICT_TRANSPORT_SECURITY.get());
    }

    @Test
    void aPlainConnectionNamesNoClient() throws Exception {
        TlsSettings settings = TlsSettings.create(server.certificate(), server.key(), Optional.empty());
        assertFalse(settings.mutual());
        try (Served served = serve(settings)) {
            assertEquals("nobody, secure", get(served, TlsFixtures.clientContext(ca.certificate(), alice)).body());
        }
    }

    /** A minimal Helidon server: GET / answers the client's subject, /ws greets it. */
    private record Served(WebServer web, AtomicInteger requests) implements AutoCloseable {
        @Override
        public void close() {
            web.stop();
        }
    }

    private static Served serve(TlsSettings settings) {
        AtomicInteger requests = new AtomicInteger();
        WsListener greeter = new WsListener() {
            @Override
            public void onOpen(WsSession session) {
                requests.incrementAndGet();
                session.send("hello " + TlsSettings.clientSubject(session.socketContext().remotePeer()).orElse("nobody"), true);
            }
        };
        WebServer web = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .tls(settings.tls())
                .routing(routing -> routing.get("/", (request, response) -> {
                    requests.incrementAndGet();
                    response.send(TlsSettings.clientSubject(request.remotePeer()).orElse("nobody")
                            + (request.isSecure() ? ", secure" : ", plain"));
                }))
                .addRouting(WsRouting.builder().endpoint("/ws", greeter))
                .build()
                .start();
        return new Served(web, requests);
    }

    private static HttpResponse<String> get(Served served, SSLContext context) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build()) {
            URI uri = URI.create("https://127.0.0.1:" + served.web().port() + "/");
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static String firstWebSocketMessage(Served served, SSLContext context) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build()) {
            CompletableFuture<String> first = new CompletableFuture<>();
            WebSocket.Listener listener = new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    first.complete(data.toString());
                    return null;
                }
            };
            WebSocket socket;
            try {
                socket = client.newWebSocketBuilder()
                        .buildAsync(URI.create("wss://127.0.0.1:" + served.web().port() + "/ws"), listener)
                        .get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : e;
            }
            String message = first.get(10, TimeUnit.SECONDS);
            socket.abort();
            return message;
        }
    }

    private static String refusal(org.junit.jupiter.api.function.Executable create) {
        return assertThrows(IllegalArgumentException.class, create).getMessage();
    }
}
