package io.cloudterm.nativeio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.io.FileSending;
import io.cloudterm.io.SocketFd;
import io.cloudterm.platform.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sendfile on a socket the JDK owns, below HTTP: a socket left blocking (a platform thread's) is
 * made non-blocking, so that a full one parks the sending virtual thread instead of holding its
 * carrier in the kernel; a file that is not there fails at open, before anything is sent.
 */
@Timeout(120)
class NativeFileSendingTest {

    private static final int SIZE = 16 * 1024 * 1024;

    @TempDir
    static Path dir;
    private static Platform platform;
    private static FileSending sending;
    private static byte[] content;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "sendfile is Linux only");
        platform = new NativePlatformLoader().create();
        sending = platform.fileSending().orElseThrow();
        content = new byte[SIZE];
        new SplittableRandom(7).nextBytes(content);
        Files.write(dir.resolve("content.bin"), content);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aFullBlockingSocketParksTheVirtualThreadInsteadOfHoldingItsCarrier() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket accepted = listener.accept()) { // accepted on a platform thread: a blocking fd
            int fd = SocketFd.of(accepted);
            CompletableFuture<Void> sent = new CompletableFuture<>();
            Thread sender = Thread.ofVirtual().start(() -> {
                try (FileSending.OpenFile file = sending.open(dir.resolve("content.bin"))) {
                    file.sendTo(fd, 0, SIZE);
                    sent.complete(null);
                } catch (Throwable e) {
                    sent.completeExceptionally(e);
                }
            });
            // 16 MiB do not fit in the sockets' buffers: parked (WAITING), not stuck in sendfile (RUNNABLE).
            await().atMost(Duration.ofSeconds(60)).until(() -> sender.getState() == Thread.State.WAITING);
            InputStream in = client.getInputStream();
            assertArrayEquals(content, in.readNBytes(SIZE));
            sent.get();
        }
    }

    @Test
    void aFileThatIsNotThereFailsAtOpen() {
        IOException failure = assertThrows(IOException.class, () -> sending.open(dir.resolve("missing.bin")));
        assertEquals("open(" + dir.resolve("missing.bin") + ") failed: No such file or directory", failure.getMessage());
    }
}
