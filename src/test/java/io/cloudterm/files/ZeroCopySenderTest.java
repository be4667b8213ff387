package io.cloudterm.files;

import static io.cloudterm.files.ZeroCopyRoutes.KIB;
import static io.cloudterm.files.ZeroCopyRoutes.MIB;
import static io.cloudterm.files.ZeroCopyRoutes.memory;
import static io.cloudterm.files.ZeroCopyRoutes.randomFile;
import static io.cloudterm.files.ZeroCopyRoutes.sha256;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.io.FileSendingCounts;
import io.cloudterm.io.PollerWakeups;
import io.cloudterm.platform.Platform;
import io.cloudterm.pty.NativeMode;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies sent with sendfile and write on the sockets of a real Helidon server on loopback, read by
 * a raw HTTP/1.1 client that counts exactly Content-Length bytes: the bytes arrive unchanged, the
 * connection serves the next request, a full socket parks the sender, a file gone before the
 * headers is still answered, and a file cut short after them ends its connection and nothing else.
 */
@Timeout(300)
class ZeroCopySenderTest {

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
                .routing(new ZeroCopyRoutes(dir, sender)::register)
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
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        // Helidon has read the requests after the first one already: the bodies written on the
        // socket must neither disturb them nor be overtaken by their responses.
        String[] names = {"1048576.bin", "1024.bin", "1048576.bin"};
        try (HttpConnection connection = HttpConnection.open(server.port(), 0)) {
            connection.send(Arrays.stream(names).map(name -> "/files/" + name).toArray(String[]::new));
            for (String name : names) {
                HttpConnection.Response response = connection.next();
                assertEquals("native", response.header("X-Body"), name);
                assertArrayEquals(sha256(dir.resolve(name)), response.readBodyHash(), name);
            }
        }
    }

    @Test
    void memoryBodiesAndTheirRangesGoOutAsTheyAre() throws Exception {
        ByteBuffer expected = memory(true);
        try (HttpConnection connection = HttpConnection.open(server.port(), 0)) {
            for (String query : new String[] {"direct=true", "direct=true&offset=1000&length=300000",
                    "direct=false", "direct=false&offset=7&length=900000", "direct=true&offset=5&length=0",
                    "direct=true&readOnly=true&offset=3&length=500000", "direct=false&readOnly=true"}) {
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
}
