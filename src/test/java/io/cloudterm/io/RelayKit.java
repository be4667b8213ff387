package io.cloudterm.io;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.channels.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The browser's and the host's side of relay tests: frames, floods with their digests, stalling readers. */
public final class RelayKit {

    /** The gateway's Close frame for a lost host: 1014, "bad gateway" (RFC 6455 registry). */
    public static final byte[] HOST_LOST = frame(0x8, new byte[] {0x03, (byte) 0xf6});

    private static final int STALL_EVERY = 1 << 20;
    private static final Pattern RELAY_THREAD = Pattern.compile("\"name\"\\s*:\\s*\"" + Relay.THREAD_NAME + "\"");

    private RelayKit() {
    }

    /** An unmasked frame with FIN set, as a server sends it. */
    public static byte[] frame(int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        int length = payload.length;
        if (length < 126) {
            out.write(length);
        } else if (length <= 0xffff) {
            out.write(126);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >> shift));
            }
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** How many bytes a stream carried and their SHA-256. */
    public record Digest(long bytes, String sha256) {
    }

    /** A SHA-256 being fed, with its count. */
    public static final class Hashing {
        private final MessageDigest sha;
        private long bytes;

        public Hashing() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        public void add(byte[] chunk, int offset, int length) {
            sha.update(chunk, offset, length);
            bytes += length;
        }

        public Digest digest() {
            return new Digest(bytes, HexFormat.of().formatHex(sha.digest()));
        }
    }

    public static <T> CompletableFuture<T> async(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * The host's side of a flood: binary frames of random lengths (1 byte to 70 kB, across all
     * three length encodings) and random payloads, {@code total} bytes or a little more, then a
     * Close frame and the end of its output. The digest covers everything sent.
     */
    public static Digest sendFrames(Socket host, long total, long seed, byte[] readAheadAlreadySent) throws IOException {
        Random random = new Random(seed);
        Hashing hashing = new Hashing();
        hashing.add(readAheadAlreadySent, 0, readAheadAlreadySent.length);
        OutputStream out = host.getOutputStream();
        while (hashing.bytes < total) {
            int length = switch (random.nextInt(3)) {
                case 0 -> 1 + random.nextInt(125);
                case 1 -> 126 + random.nextInt(60_000);
                default -> 65_536 + random.nextInt(5_000);
            };
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            byte[] frame = frame(0x2, payload);
            out.write(frame);
            hashing.add(frame, 0, frame.length);
        }
        byte[] close = frame(0x8, new byte[] {0x03, (byte) 0xe8});
        out.write(close);
        hashing.add(close, 0, close.length);
        host.shutdownOutput();
        return hashing.digest();
    }

    /** The browser's side of a flood: {@code total} random bytes in random chunks, then the end of its output. */
    public static Digest sendBytes(Socket browser, long total, long seed, byte[] readAheadAlreadySent) throws IOException {
        Random random = new Random(seed);
        Hashing hashing = new Hashing();
        hashing.add(readAheadAlreadySent, 0, readAheadAlreadySent.length);
        OutputStream out = browser.getOutputStream();
        byte[] chunk = new byte[100_000];
        while (hashing.bytes < total) {
            int length = 1 + random.nextInt(chunk.length);
            random.nextBytes(chunk);
            out.write(chunk, 0, length);
            hashing.add(chunk, 0, length);
        }
        browser.shutdownOutput();
        return hashing.digest();
    }

    /**
     * Reads to the end, stopping for a moment after every megabyte (as a browser that sent PAUSE
     * and then RESUME): meanwhile the socket buffers fill and the relay's writer must wait.
     */
    public static Digest readStalling(Socket socket) throws IOException, InterruptedException {
        InputStream in = socket.getInputStream();
        Hashing hashing = new Hashing();
        byte[] chunk = new byte[32 * 1024];
        long sinceStall = 0;
        for (int n; (n = in.read(chunk)) >= 0; ) {
            hashing.add(chunk, 0, n);
            sinceStall += n;
            if (sinceStall >= STALL_EVERY) {
                sinceStall = 0;
                Thread.sleep(2);
            }
        }
        return hashing.digest();
    }

    /**
     * Waits until no relay thread is alive, as a thread dump (which lists virtual threads too)
     * shows: an idle relay must hold none.
     */
    public static void awaitNoRelayThread() {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertEquals(0, relayThreads(), "relay threads alive"));
    }

    /** The relay threads alive now, counted in a JSON thread dump. */
    public static int relayThreads() throws IOException {
        Path directory = Files.createTempDirectory("relay-threads");
        Path dump = directory.resolve("threads.json");
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            Matcher matcher = RELAY_THREAD.matcher(Files.readString(dump));
            int count = 0;
            while (matcher.find()) {
                count++;
            }
            return count;
        } finally {
            Files.deleteIfExists(dump);
            Files.delete(directory);
        }
    }

    /** The fd of a JDK channel (compiled with --release, so sun.nio.ch is reached by reflection). */
    public static int fdOf(Channel channel) throws ReflectiveOperationException {
        return (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(channel);
    }
}
