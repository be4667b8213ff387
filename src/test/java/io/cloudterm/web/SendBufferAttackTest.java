package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.websocket.ClientFrames;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that never reads makes the server's kernel queue what the terminal sends it, in the
 * connection's send buffer, which Linux would grow to megabytes for it: the server bounds it.
 */
@Tag("security")
class SendBufferAttackTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The server asks for 256 KiB; Linux doubles what it is asked for its own bookkeeping. */
    private static final long MOST_QUEUED = 2 * 256 * 1024;

    /** 100 MB of output, more than any send buffer: the program is held back by its only client. */
    private static final String FLOOD = "head -c 100000000 /dev/zero | tr '\\0' x";

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void aClientThatNeverReadsPinsABoundedSendQueueInTheServersKernel(String mode) throws Exception {
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--", "sh", "-c", FLOOD);
             Socket client = joinWithoutReading(server, null)) {
            assertSendQueueStaysBounded(server, client);
        }
    }

    @Test
    void overTlsToo(@TempDir Path dir) throws Exception {
        TlsFixtures ca = TlsFixtures.authority(dir, "ca");
        TlsFixtures.Identity identity = ca.server(TlsFixtures.KeyFormat.PKCS8_EC);
        try (TestServer server = TestServer.start("--ssl", "--ssl-cert", identity.certificate().toString(),
                "--ssl-key", identity.key().toString(), "--no-auth", "--", "sh", "-c", FLOOD);
             Socket client = joinWithoutReading(server, TlsFixtures.clientContext(ca.certificate(), null).getSocketFactory())) {
            assertSendQueueStaysBounded(server, client);
        }
    }

    /** The server's kernel fills up for the client, and stays within the bound for a while. */
    private static void assertSendQueueStaysBounded(TestServer server, Socket client) {
        int port = server.server().port();
        await().atMost(WAIT).until(() -> sendQueue(port, client.getLocalPort()) >= 64 * 1024);
        // Long enough for the kernel to grow an auto-tuned buffer well past the bound.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            long queued = sendQueue(port, client.getLocalPort());
            assertTrue(queued <= MOST_QUEUED, "the server's kernel holds " + queued + " bytes for a client that does not read");
        });
    }

    /**
     * A client on a plain (or TLS) socket that upgrades, sends JSON_DATA and reads nothing more; its own
     * receive buffer is small, so what the server sends waits in the server's kernel.
     */
    private static Socket joinWithoutReading(TestServer server, SSLSocketFactory tls) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", server.server().port()), 10_000);
        if (tls != null) {
            socket = tls.createSocket(socket, "127.0.0.1", server.server().port(), true);
        }
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + server.ws().getPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: tty\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(ClientFrames.frame(0x82, "{\"AuthToken\":\"\",\"columns\":80,\"rows\":24}"));
        out.flush();
        return socket;
    }

    /**
     * Bytes the server's kernel holds to send on the connection from {@code clientPort} to
     * {@code serverPort}: the tx_queue column of /proc/net/tcp (or tcp6, for a dual-stack listener).
     */
    private static long sendQueue(int serverPort, int clientPort) throws IOException {
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length < 5 || !fields[1].contains(":")) {
                    continue;
                }
                if (port(fields[1]) == serverPort && port(fields[2]) == clientPort) {
                    return Long.parseLong(fields[4].substring(0, fields[4].indexOf(':')), 16);
                }
            }
        }
        throw new AssertionError("no connection from port " + clientPort + " to " + serverPort + " in /proc/net/tcp*");
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }
}
