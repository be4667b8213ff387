package io.cloudterm.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure-Java sender writes exactly the bytes asked for, across its chunk boundaries, from a file or from memory. */
class CopyingSenderTest {

    private static final byte[] BYTES = new byte[3 * CopyingSender.CHUNK + 123];

    static {
        new Random(7).nextBytes(BYTES);
    }

    @TempDir
    Path directory;

    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    /** A response whose body stream is {@link #sent}; the sender asks it for nothing else. */
    private final ServerResponse response = (ServerResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ServerResponse.class}, (proxy, method, args) -> {
                if (method.getName().equals("outputStream")) {
                    return sent;
                }
                throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void aRangeOfAFileCrossesChunksByteForByte() throws IOException {
        Path file = Files.write(directory.resolve("build.tar"), BYTES);
        long offset = CopyingSender.CHUNK - 7;
        long length = 2L * CopyingSender.CHUNK + 50;
        new CopyingSender().send(response, new Body.FileBody(file), offset, length);
        assertArrayEquals(Arrays.copyOfRange(BYTES, (int) offset, (int) (offset + length)), sent.toByteArray());
    }

    @Test
    void aFileShorterThanPromisedFailsTheSend() throws IOException {
        Path file = Files.write(directory.resolve("short.bin"), Arrays.copyOf(BYTES, 1000));
        assertThrows(EOFException.class, () -> new CopyingSender().send(response, new Body.FileBody(file), 0, 2000));
        assertTrue(sent.size() <= 1000, "never more than the file held: " + sent.size());
    }

    @Test
    void bytesInMemoryOnTheHeapOrOffItAreSentFromTheirPosition() throws IOException {
        ByteBuffer heap = ByteBuffer.wrap(BYTES).position(10);
        ByteBuffer direct = ByteBuffer.allocateDirect(BYTES.length).put(BYTES).position(10);
        for (ByteBuffer bytes : new ByteBuffer[] {heap, direct}) {
            sent.reset();
            new CopyingSender().send(response, new Body.MemoryBody(bytes), CopyingSender.CHUNK, CopyingSender.CHUNK + 77);
            assertArrayEquals(Arrays.copyOfRange(BYTES, 10 + CopyingSender.CHUNK, 10 + 2 * CopyingSender.CHUNK + 77), sent.toByteArray());
            assertTrue(bytes.position() == 10, "the shared buffer is left as it was");
        }
    }

    @Test
    void aRangeBeyondTheBytesInMemoryFails() {
        ByteBuffer bytes = ByteBuffer.wrap(BYTES);
        assertThrows(IOException.class, () -> new CopyingSender().send(response, new Body.MemoryBody(bytes), BYTES.length - 1, 2));
    }
}
