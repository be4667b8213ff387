package io.cloudterm.files;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.io.FileSendingCounts;
import io.cloudterm.io.PollerWakeups;
import io.cloudterm.platform.Platform;
import io.cloudterm.pty.NativeMode;
import io.cloudterm.web.TlsSettings;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies sent with sendfile and write on the sockets of a real Helidon server on loopback, read by
 * a raw HTTP/1.1 client that counts exactly Content-Length bytes: the bytes arrive unchanged, the
 * connection serves the next request, a full socket parks the sender, and a file cut short ends
 * its connection and nothing else.
 */
@Timeout(300)
class ZeroCopySenderTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final int SEND_BUFFER = 128 * KIB;

    @TempDir
    static Path dir;
    private static Platform platform;
    private static WebServer server;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "sendfile is Linux only");
        platform = Platform.select(NativeMode.ON);
        ZeroCopySender sender = new ZeroCopySender(platform.fileSending().orElseThrow());
        for (int size : new int[] {KIB, MIB, 64 * MIB}) {
            randomFile(dir.resolve(size + ".bin"), size);
        }
        server = WebServer.builder().host("127.0.0.1").port(0)
                // A fixed, small send buffer (no autotuning): what a slow client reads makes room
                // for the parked sender at once, instead of only after megabytes.
                .connectionOptions(options -> options.socketSendBufferSize(SEND_BUFFER))
                .routing(routing -> routing
                        .get("/files/{name}", (request, response) -> serveFile(sender, request, response))
                        .get("/memory", (request, response) -> serveMemory(sender, request, response))
                        .get("/vanished", (request, response) -> {
                            response.header(HeaderNames.CONTENT_LENGTH, "10");
                            send(sender, response, new Body.FileBody(dir.resolve("vanished.bin")), 0, 10, () -> {
                                throw new IOException("no copying route for a file that is not there");
                            });
                        }))
                .build().start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void filesArriveByteForByteOneAfterAnotherOnOneKeepAliveConnection() throws Exception {
        try (HttpConnection connection = HttpConnection.open(server.port(), 0)) {
            for (String name : new String[] {"1024.bin", "1048576.bin", "67108864.bin", "1024.bin", "1048576.bin"}) {
                HttpConnection.Response response = connection.get("/files/" + name);
                assertEquals(200, response.status(), name);
                assertEquals("native", response.header("X-Body"), name);
                assertArrayEquals(sha256(dir.resolve(name)), response.readBodyHash(), name);
            }
            HttpConnection.Response range = connection.get("/files/1048576.bin?offset=1000&length=300000");
            assertEquals("native", range.header("X-Body"));
            ByteBuffer whole = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("1048576.bin")));
            assertArrayEquals(sha256(whole.position(1000).limit(301_000)), range.readBodyHash());
            HttpConnection.Response last = connection.get("/files/1024.bin");
            assertArrayEquals(sha256(dir.resolve("1024.bin")), last.readBodyHash(), "after the range");
        }
    }

    @Test
    void memoryBodiesAndTheirRangesGoOutAsTheyAre() throws Exception {
        ByteBuffer expected = memory(true);
        try (HttpConnection connection = HttpConnection.open(server.port(), 0)) {
            for (String query : new String[] {"direct=true", "direct=true&offset=1000&length=300000",
                    "direct=false", "direct=false&offset=7&length=900000", "direct=true&offset=5&length=0"}) {
                HttpConnection.Response response = connection.get("/memory?" + query);
                assertEquals(200, response.status(), query);
                assertEquals("native", response.header("X-Body"), query);
                int offset = query.contains("offset=") ? Integer.parseInt(query.replaceAll(".*offset=(\\d+).*", "$1")) : 0;
                int length = query.contains("length=") ? Integer.parseInt(query.replaceAll(".*length=(\\d+).*", "$1"))
                        : expected.remaining();
                assertArrayEquals(sha256(expected.duplicate().position(offset).limit(offset + length)),
                        response.readBodyHash(), query);
            }
        }
    }

    @Test
    void aSlowReaderParksTheSenderOnThePollerInsteadOfSpinning() throws Exception {
        long fullBefore = FileSendingCounts.fullSockets();
        long wakeupsBefore = PollerWakeups.count();
        try (HttpConnection connection = HttpConnection.open(server.port(), 64 * KIB)) {
            HttpConnection.Response response = connection.get("/files/67108864.bin");
            assertEquals("native", response.header("X-Body"));
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long read = 0;
            for (int round = 1; round <= 8; round++) {
                // The client reads only once the server has found the socket full again and parked.
                long waited = fullBefore + round;
                await().atMost(Duration.ofSeconds(60)).until(() -> FileSendingCounts.fullSockets() >= waited);
                read += response.readBody(digest, 256 * KIB);
            }
            response.readBody(digest, response.contentLength() - read);
            assertArrayEquals(sha256(dir.resolve("67108864.bin")), digest.digest());
        }
        long full = FileSendingCounts.fullSockets() - fullBefore;
        long wakeups = PollerWakeups.count() - wakeupsBefore;
        // Each sendfile that finds the socket full parks its thread until epoll reports the socket
        // writable: one wake-up of the poller each (a stale event may add one). A thread spinning
        // on the full socket would find it full thousands of times for no wake-up.
        assertTrue(full >= 8, "found the socket full " + full + " times");
        assertTrue(full <= wakeups + 2, "found the socket full " + full + " times, poller wake-ups: " + wakeups);
    }

    @Test
    void aFileGoneBeforeTheHeadersCanStillBeAnsweredOnTheSameConnection() throws Exception {
        try (HttpConnection connection = HttpConnection.open(server.port(), 0)) {
            HttpConnection.Response gone = connection.get("/vanished");
            assertEquals(404, gone.status());
            gone.readBodyHash();
            HttpConnection.Response next = connection.get("/files/1024.bin");
            assertEquals(200, next.status());
            assertArrayEquals(sha256(dir.resolve("1024.bin")), next.readBodyHash());
        }
    }

    @Test
    void aFileTruncatedWhileSentEndsItsConnectionAndTheServerServesTheNext() throws Exception {
        Path shrinking = dir.resolve("shrinking.bin");
        Files.copy(dir.resolve("67108864.bin"), shrinking);
        long fullBefore = FileSendingCounts.fullSockets();
        try (HttpConnection connection = HttpConnection.open(server.port(), 64 * KIB)) {
            HttpConnection.Response response = connection.get("/files/shrinking.bin");
            assertEquals(64L * MIB, response.contentLength());
            await().atMost(Duration.ofSeconds(60)).until(() -> FileSendingCounts.fullSockets() > fullBefore);
            try (FileChannel file = FileChannel.open(shrinking, StandardOpenOption.WRITE)) {
                file.truncate(MIB);
            }
            long received = response.readToEnd();
            assertTrue(received < 64L * MIB, "the client got " + received + " bytes of a body cut short");
        }
        try (HttpConnection next = HttpConnection.open(server.port(), 0)) {
            HttpConnection.Response response = next.get("/files/1024.bin");
            assertEquals(200, response.status());
            assertArrayEquals(sha256(dir.resolve("1024.bin")), response.readBodyHash());
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
        ZeroCopySender sender = new ZeroCopySender(platform.fileSending().orElseThrow());
        WebServer tls = WebServer.builder().host("127.0.0.1").port(0)
                .tls(TlsSettings.create(cert, key, Optional.empty()).tls())
                .routing(routing -> routing.get("/files/{name}", (request, response) -> serveFile(sender, request, response)))
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
        ZeroCopySender sender = new ZeroCopySender(platform.fileSending().orElseThrow());
        WebServer queued = WebServer.builder().host("127.0.0.1").port(0).writeQueueLength(32)
                .routing(routing -> routing.get("/files/{name}", (request, response) -> serveFile(sender, request, response)))
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

    // ---- the routes ----

    private static void serveFile(ZeroCopySender sender, ServerRequest request, ServerResponse response) throws IOException {
        Path file = dir.resolve(request.path().pathParameters().get("name"));
        long offset = request.query().first("offset").map(Long::parseLong).orElse(0L);
        long length = request.query().first("length").map(Long::parseLong).orElse(Files.size(file));
        response.header(HeaderNames.CONTENT_LENGTH, String.valueOf(length));
        response.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
        send(sender, response, new Body.FileBody(file), offset, length, () -> {
            try (InputStream in = Files.newInputStream(file); OutputStream out = response.outputStream()) {
                // A new array per write: Helidon 4.2.6's write queue holds on to the arrays it is
                // given, so Files.copy's reused buffer would be sent after it was overwritten.
                for (byte[] chunk; (chunk = in.readNBytes(64 * KIB)).length > 0; ) {
                    out.write(chunk);
                }
            }
        });
    }

    private static void serveMemory(ZeroCopySender sender, ServerRequest request, ServerResponse response) throws IOException {
        var query = request.query();
        ByteBuffer bytes = memory(query.get("direct").equals("true"));
        int offset = query.first("offset").map(Integer::parseInt).orElse(0);
        int length = query.first("length").map(Integer::parseInt).orElse(bytes.remaining());
        response.header(HeaderNames.CONTENT_LENGTH, String.valueOf(length));
        send(sender, response, new Body.MemoryBody(bytes), offset, length, () -> {
            throw new IOException("no copying route for memory");
        });
    }

    /** As the files routes will: native where the response's socket is in reach, else the copy. */
    private static void send(ZeroCopySender sender, ServerResponse response, Body body, long offset, long length,
            Copy copy) throws IOException {
        Optional<BodySender> onSocket = sender.forResponse(response);
        response.header("X-Body", onSocket.isPresent() ? "native" : "copy");
        if (onSocket.isEmpty()) {
            copy.run();
            return;
        }
        try {
            onSocket.get().send(response, body, offset, length);
        } catch (IOException e) {
            if (!response.isSent()) {
                response.headers().remove(HeaderNames.CONTENT_LENGTH);
                response.status(Status.NOT_FOUND_404).send("gone");
                return;
            }
            throw new CloseConnectionException("the body could not be sent whole", e);
        }
    }

    private interface Copy {
        void run() throws IOException;
    }

    /** The same 1 MiB of pseudo-random bytes, in native memory or on the heap. */
    private static ByteBuffer memory(boolean direct) {
        byte[] bytes = new byte[MIB];
        new SplittableRandom(42).nextBytes(bytes);
        return direct ? ByteBuffer.allocateDirect(MIB).put(bytes).flip() : ByteBuffer.wrap(bytes);
    }

    /** Pseudo-random bytes, a different MiB each time: a byte sent from the wrong offset shows. */
    static void randomFile(Path path, int size) throws IOException {
        SplittableRandom random = new SplittableRandom(size);
        byte[] block = new byte[Math.min(size, MIB)];
        try (OutputStream out = Files.newOutputStream(path)) {
            for (int written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block);
            }
        }
    }

    static byte[] sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate(MIB);
            while (channel.read(buffer.clear()) > 0) {
                digest.update(buffer.flip());
            }
        }
        return digest.digest();
    }

    static byte[] sha256(ByteBuffer bytes) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(bytes);
        return digest.digest();
    }

}
