package io.cloudterm.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.connection.Connection;
import io.cloudterm.connection.ConnectionListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The protocol side of a WebSocket, over a transport that only records what is written. */
class DirectWebSocketTest {

    /** Keeps the bytes written, and whether each buffer handed to it was a direct one; never blocks. */
    private static final class RecordingTransport implements FrameTransport {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final List<Boolean> direct = new ArrayList<>();
        boolean outputShut;
        boolean closed;

        @Override
        public void write(ByteBuffer[] buffers) {
            for (ByteBuffer buffer : buffers) {
                direct.add(buffer.isDirect());
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                written.writeBytes(bytes);
            }
        }

        @Override
        public void shutdownOutput() {
            outputShut = true;
        }

        @Override
        public void close() {
            closed = true;
        }

        InputStream frames() {
            return new ByteArrayInputStream(written.toByteArray());
        }
    }

    /** Writes down what the connection tells its listener. */
    private static final class RecordingListener implements ConnectionListener {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream message = new ByteArrayOutputStream();

        @Override
        public void opened(Connection connection) {
            events.add("opened");
        }

        @Override
        public void message(ByteBuffer piece, boolean last) {
            byte[] bytes = new byte[piece.remaining()];
            piece.get(bytes);
            message.writeBytes(bytes);
            events.add("message " + bytes.length + (last ? " last" : ""));
        }

        @Override
        public void heard() {
            events.add("heard");
        }

        @Override
        public void closed(int code, String reason) {
            events.add("closed " + code);
        }

        @Override
        public void error(Throwable failure) {
            events.add("error " + failure.getMessage());
        }
    }

    private final RecordingTransport transport = new RecordingTransport();
    private final RecordingListener listener = new RecordingListener();
    private final DirectWebSocket socket = new DirectWebSocket(transport, listener, "192.0.2.7", Optional.empty(),
            1 << 20, closed -> { });

    @Test
    void aLongCloseReasonIsCutBetweenCharactersSoItStaysUtf8() throws Exception {
        socket.close(4001, "xy" + "\u00e9".repeat(100));
        socket.terminate();
        ClientFrames.Frame frame = ClientFrames.read(transport.frames());
        assertEquals(4001, frame.closeCode());
        int reasonBytes = frame.payload().length - 2;
        assertTrue(reasonBytes <= 123, reasonBytes + " bytes");
        String reason = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(frame.payload(), 2, reasonBytes)).toString();
        assertEquals("xy" + "\u00e9".repeat(60), reason);
    }

    @Test
    void aTextMessageSplitInsideACharacterReachesTheListenerAsItsBytes() {
        byte[] text = "h\u00e9".getBytes(StandardCharsets.UTF_8); // 'h', then é as two bytes
        socket.opened();
        socket.received(ByteBuffer.wrap(ClientFrames.frame(0x01, new byte[] {text[0], text[1]}, true)));
        socket.received(ByteBuffer.wrap(ClientFrames.frame(0x80, new byte[] {text[2]}, true)));
        assertEquals(List.of("opened", "message 2", "message 1 last"), listener.events);
        assertArrayEquals(text, listener.message.toByteArray());
    }

    @Test
    void aPingIsAnsweredWithItsPayloadAndShowsTheClientAlive() throws Exception {
        socket.received(ByteBuffer.wrap(ClientFrames.frame(0x89, "are you there")));
        ClientFrames.Frame pong = ClientFrames.read(transport.frames());
        assertEquals(0x8A, pong.firstByte());
        assertEquals("are you there", pong.text());
        assertEquals(List.of("heard"), listener.events);
    }

    @Test
    void aGatheredMessageHandsItsDirectBuffersToTheTransportAndLeavesTheirPositions() throws Exception {
        ByteBuffer pooled = ByteBuffer.allocateDirect(16).put("output".getBytes(StandardCharsets.US_ASCII)).flip();
        socket.send(new byte[] {'0'}, List.of(pooled));
        ClientFrames.Frame frame = ClientFrames.read(transport.frames());
        assertEquals(0x82, frame.firstByte());
        assertEquals("0output", frame.text());
        assertEquals(0, pooled.position(), "the caller's buffer is left as it was");
        assertEquals(List.of(false, true), transport.direct, "header and prefix in one array, then the pooled buffer itself");
    }

    @Test
    void theClientsCloseIsAnsweredHeardOnceAndOurSideShutDown() throws Exception {
        byte[] goingAway = {0x03, (byte) 0xE9}; // 1001
        socket.received(ByteBuffer.wrap(ClientFrames.frame(0x88, goingAway, true)));
        socket.ended(null);
        assertEquals(List.of("closed 1001"), listener.events);
        assertEquals(1001, ClientFrames.read(transport.frames()).closeCode());
        assertTrue(transport.outputShut);
        assertThrows(IOException.class, () -> socket.send(new byte[] {'0'}));
    }

    @Test
    void anUnmaskedFrameIsAProtocolErrorTheListenerHearsOnce() throws Exception {
        socket.received(ByteBuffer.wrap(ClientFrames.frame(0x82, "x".getBytes(StandardCharsets.US_ASCII), false)));
        socket.ended(null);
        assertEquals(1002, ClientFrames.read(transport.frames()).closeCode());
        assertEquals(1, listener.events.size(), listener.events.toString());
        assertTrue(listener.events.getFirst().startsWith("error"), listener.events.toString());
        assertTrue(transport.outputShut);
    }

    @Test
    void abandoningSaysWhyThenClosesAtOnce() throws Exception {
        socket.abandon(4008, "no answer to pings");
        assertEquals(4008, ClientFrames.read(transport.frames()).closeCode());
        assertTrue(transport.closed, "no grace for a client that stopped answering");
        assertFalse(socket.open());
        assertThrows(IOException.class, () -> socket.send(new byte[] {'0'}));
    }

    @Test
    void thePeerIsTheOneCopiedAtTheUpgrade() {
        assertEquals("192.0.2.7", socket.remoteHost());
        assertTrue(socket.clientCertificate().isEmpty());
    }
}
