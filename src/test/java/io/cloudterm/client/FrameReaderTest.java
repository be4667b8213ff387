package io.cloudterm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.websocket.ClientFrames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Server frames parsed however the bytes are cut by the reads: messages whole, control frames between fragments. */
class FrameReaderTest {

    /** What the reader handed on: each message's bytes, control frames, and how many pieces came. */
    private static final class Received implements FrameReader.Handler {
        final List<byte[]> messages = new ArrayList<>();
        final List<String> controls = new ArrayList<>();
        final ByteArrayOutputStream message = new ByteArrayOutputStream();

        @Override
        public void data(ByteBuffer buffer, int from, int to, boolean last) {
            byte[] piece = new byte[to - from];
            buffer.get(from, piece);
            message.writeBytes(piece);
            if (last) {
                messages.add(message.toByteArray());
                message.reset();
            }
        }

        @Override
        public void control(int opcode, byte[] payload) {
            controls.add(opcode + ":" + new String(payload, StandardCharsets.UTF_8) + " after " + messages.size());
        }
    }

    /** A server that sends {@code bytes}, at most {@code chunk} per read. */
    private static ReadableByteChannel server(byte[] bytes, int chunk) {
        ByteBuffer source = ByteBuffer.wrap(bytes);
        return new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer into) {
                if (!source.hasRemaining()) {
                    return -1;
                }
                int n = Math.min(chunk, Math.min(into.remaining(), source.remaining()));
                into.put(source.slice(source.position(), n));
                source.position(source.position() + n);
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    private static byte[] frames(byte[]... frames) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            all.writeBytes(frame);
        }
        return all.toByteArray();
    }

    private static byte[] serverFrame(int firstByte, byte[] payload) {
        return ClientFrames.frame(firstByte, payload, false);
    }

    private static Received readAll(byte[] bytes, int chunk, int bufferSize) throws IOException {
        Received received = new Received();
        FrameReader reader = new FrameReader(ByteBuffer.allocateDirect(bufferSize).flip(), received);
        ReadableByteChannel in = server(bytes, chunk);
        while (reader.next(in)) {
            // each call handles one frame or piece of one
        }
        return received;
    }

    @ParameterizedTest(name = "{0} bytes a read")
    @ValueSource(ints = {1, 3, 7, 4096})
    void aFragmentedMessageWithAPingBetweenItsFragmentsArrivesWholeAfterThePing(int chunk) throws IOException {
        byte[] bytes = frames(
                serverFrame(ClientFrames.BINARY, "0hel".getBytes(StandardCharsets.UTF_8)),
                serverFrame(ClientFrames.FIN | ClientFrames.PING, "are you there".getBytes(StandardCharsets.UTF_8)),
                serverFrame(ClientFrames.CONTINUATION, "lo, ".getBytes(StandardCharsets.UTF_8)),
                serverFrame(ClientFrames.FIN | ClientFrames.CONTINUATION, "world".getBytes(StandardCharsets.UTF_8)),
                serverFrame(ClientFrames.FIN | ClientFrames.TEXT, "3{}".getBytes(StandardCharsets.UTF_8)));
        Received received = readAll(bytes, chunk, 256);
        assertEquals(List.of("0hello, world", "3{}"),
                received.messages.stream().map(m -> new String(m, StandardCharsets.UTF_8)).toList());
        assertEquals(List.of(ClientFrames.PING + ":are you there after 0"), received.controls);
    }

    @Test
    void sixteenAndSixtyFourBitLengthsAndMessagesLongerThanTheBuffer() throws IOException {
        Random random = new Random(7);
        byte[] medium = new byte[300];
        byte[] large = new byte[70_000];
        random.nextBytes(medium);
        random.nextBytes(large);
        Received received = readAll(frames(serverFrame(ClientFrames.FIN | ClientFrames.BINARY, medium),
                serverFrame(ClientFrames.FIN | ClientFrames.BINARY, large),
                serverFrame(ClientFrames.FIN | ClientFrames.BINARY, new byte[0])), 1000, 256);
        assertEquals(3, received.messages.size());
        assertArrayEquals(medium, received.messages.get(0));
        assertArrayEquals(large, received.messages.get(1));
        assertEquals(0, received.messages.get(2).length, "an empty message is a message too");
    }

    @Test
    void theEndOfTheStreamIsReportedOnce() throws IOException {
        Received received = new Received();
        FrameReader reader = new FrameReader(ByteBuffer.allocate(256).flip(), received);
        ReadableByteChannel in = server(serverFrame(ClientFrames.FIN | ClientFrames.BINARY, new byte[] {'0', 'x'}), 64);
        assertTrue(reader.next(in));
        assertTrue(reader.next(in), "the payload, after its head");
        assertFalse(reader.next(in));
        assertEquals(1, received.messages.size());
    }

    @Test
    void whatAServerMustNotSendIsAnError() {
        assertThrows(IOException.class, () -> readAll(serverFrame(ClientFrames.FIN | ClientFrames.CONTINUATION, new byte[1]), 64, 256),
                "a continuation outside a message");
        assertThrows(IOException.class, () -> readAll(frames(serverFrame(ClientFrames.BINARY, new byte[1]),
                serverFrame(ClientFrames.FIN | ClientFrames.BINARY, new byte[1])), 64, 256), "a new message inside a fragmented one");
        assertThrows(IOException.class, () -> readAll(ClientFrames.frame(ClientFrames.FIN | ClientFrames.BINARY,
                new byte[1], true), 64, 256), "a masked frame from the server");
        assertThrows(IOException.class, () -> readAll(serverFrame(ClientFrames.PING, new byte[1]), 64, 256),
                "a fragmented control frame");
    }
}
