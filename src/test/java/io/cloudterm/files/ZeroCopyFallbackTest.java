package io.cloudterm.files;

import static io.cloudterm.files.ZeroCopyRoutes.KIB;
import static io.cloudterm.files.ZeroCopyRoutes.MIB;
import static io.cloudterm.files.ZeroCopyRoutes.randomFile;
import static io.cloudterm.files.ZeroCopyRoutes.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.platform.Platform;
import io.cloudterm.pty.NativeMode;
import io.cloudterm.web.TlsSettings;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the socket is out of reach or its bytes would not follow the headers, the sender says so
 * before anything is sent, and the response is copied: the same bytes, by another way.
 */
@Timeout(120)
class ZeroCopyFallbackTest {

    @TempDir
    static Path dir;
    private static Platform platform;
    private static ZeroCopySender sender;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "sendfile is Linux only");
        platform = Platform.select(NativeMode.ON);
        sender = new ZeroCopySender(platform.fileSending().orElseThrow());
        randomFile(dir.resolve("1024.bin"), KIB);
        randomFile(dir.resolve("1048576.bin"), MIB);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void tlsConnectionsAreLeftToCopying() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        openssl.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertEquals(0, openssl.waitFor(), "openssl req");
        WebServer tls = WebServer.builder().host("127.0.0.1").port(0)
                .tls(TlsSettings.create(cert, key, Optional.empty()).tls())
                .routing(new ZeroCopyRoutes(dir, sender)::register)
                .build().start();
        try (HttpConnection connection = HttpConnection.over(trustingAnyone().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), tls.port()))) {
            for (String name : new String[] {"1048576.bin", "1024.bin"}) {
                HttpConnection.Response response = connection.get("/files/" + name);
                assertEquals("copy", response.header("X-Body"), name);
                assertArrayEquals(sha256(dir.resolve(name)), response.readBodyHash(), name);
            }
        } finally {
            tls.stop();
        }
    }

    @Test
    void aListenerThatQueuesWritesIsLeftToCopying() throws Exception {
        // Its writer thread would send the headers after a body we wrote on the socket ourselves.
        WebServer queued = WebServer.builder().host("127.0.0.1").port(0).writeQueueLength(32)
                .routing(new ZeroCopyRoutes(dir, sender)::register)
                .build().start();
        try (HttpConnection connection = HttpConnection.open(queued.port(), 0)) {
            HttpConnection.Response response = connection.get("/files/1048576.bin");
            assertEquals("copy", response.header("X-Body"));
            assertArrayEquals(sha256(dir.resolve("1048576.bin")), response.readBodyHash());
        } finally {
            queued.stop();
        }
    }

    @Test
    void thePureJavaPlatformOffersNoZeroCopy() {
        try (Platform pureJava = Platform.select(NativeMode.OFF)) {
            assertTrue(pureJava.fileSending().isEmpty());
        }
    }

    /** A loopback test's client trusts the certificate it just made, whatever it is. */
    private static SSLContext trustingAnyone() throws Exception {
        X509TrustManager anyone = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {anyone}, null);
        return context;
    }
}
