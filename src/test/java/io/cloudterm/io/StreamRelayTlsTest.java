package io.cloudterm.io;

import static io.cloudterm.io.RelayKit.HOST_LOST;
import static io.cloudterm.io.RelayKit.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream relay where it is needed: the browser's connection to the gateway is TLS (so its
 * bytes on the socket are not the WebSocket's, and only the JDK's {@code SSLSocket} streams carry
 * them), the host's is plain.
 */
@Timeout(60)
class StreamRelayTlsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static SSLContext tls;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** A self-signed certificate for localhost from the JDK's keytool, both presented and trusted. */
    @BeforeAll
    static void certificate(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("gateway.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "gateway", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "2",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, output);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(keys);
        tls = SSLContext.getInstance("TLSv1.3");
        tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private record Ends(SSLSocket browser, Socket host, CompletableFuture<Relay.Relayed> outcome) {
        Relay.Relayed relayed() throws Exception {
            return outcome.get(30, TimeUnit.SECONDS);
        }
    }

    private Ends relay(byte[] fromHost) throws Exception {
        SSLServerSocket tlsListener = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 50, LOOPBACK);
        ServerSocket plainListener = new ServerSocket(0, 50, LOOPBACK);
        toClose.add(tlsListener);
        toClose.add(plainListener);
        SSLSocket browser = (SSLSocket) tls.getSocketFactory().createSocket(LOOPBACK, tlsListener.getLocalPort());
        toClose.add(browser);
        Socket gatewayClient = tlsListener.accept();
        Socket host = new Socket(LOOPBACK, plainListener.getLocalPort());
        toClose.add(host);
        Socket gatewayHost = plainListener.accept();
        toClose.add(gatewayClient);
        toClose.add(gatewayHost);
        browser.setSoTimeout(20_000);
        host.setSoTimeout(20_000);
        CompletableFuture<Relay.Relayed> outcome = StreamRelay.start(gatewayClient.getInputStream(),
                gatewayClient.getOutputStream(), gatewayClient, ByteBuffer.allocate(0), gatewayHost.getInputStream(),
                gatewayHost.getOutputStream(), gatewayHost, ByteBuffer.wrap(fromHost), ByteBuffer.wrap(HOST_LOST));
        return new Ends(browser, host, outcome);
    }

    @Test
    void floodsBothWaysThroughTlsArriveWhole() throws Exception {
        byte[] readAhead = frame(0x1, "hi".getBytes(StandardCharsets.US_ASCII));
        Ends ends = relay(readAhead);
        CompletableFuture<RelayKit.Digest> hostSent = RelayKit.async(() -> RelayKit.sendFrames(ends.host(), 20 << 20, 3, readAhead));
        CompletableFuture<RelayKit.Digest> browserSent = RelayKit.async(() -> RelayKit.sendBytes(ends.browser(), 20 << 20, 4, new byte[0]));
        CompletableFuture<RelayKit.Digest> browserGot = RelayKit.async(() -> RelayKit.readStalling(ends.browser()));
        CompletableFuture<RelayKit.Digest> hostGot = RelayKit.async(() -> RelayKit.readStalling(ends.host()));

        assertEquals(hostSent.get(30, TimeUnit.SECONDS), browserGot.get(30, TimeUnit.SECONDS));
        assertEquals(browserSent.get(30, TimeUnit.SECONDS), hostGot.get(30, TimeUnit.SECONDS));
        Relay.Relayed relayed = ends.relayed();
        assertFalse(relayed.hostLost(), relayed.why());
    }

    @Test
    void aHostThatEndsBetweenFramesLeavesTheTlsBrowserTheHostLostFrame() throws Exception {
        Ends ends = relay(new byte[0]);
        byte[] output = frame(0x2, new byte[5000]);
        ends.host().getOutputStream().write(output);
        ends.host().close();

        assertArrayEquals(RelayKit.concat(output, HOST_LOST), ends.browser().getInputStream().readAllBytes());
        assertTrue(ends.relayed().hostLost());
    }

    @Test
    void aTlsBrowsersHalfCloseReachesTheHostWhichMayStillAnswer() throws Exception {
        Ends ends = relay(new byte[0]);
        ends.browser().getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
        ends.browser().shutdownOutput(); // TLS 1.3: a close_notify, and the other way stays open

        assertEquals("bye", new String(ends.host().getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        byte[] answer = frame(0x1, "still here".getBytes(StandardCharsets.US_ASCII));
        byte[] close = frame(0x8, new byte[0]);
        ends.host().getOutputStream().write(RelayKit.concat(answer, close));
        ends.host().close();
        assertArrayEquals(RelayKit.concat(answer, close), ends.browser().getInputStream().readAllBytes());
        assertFalse(ends.relayed().hostLost());
    }
}
