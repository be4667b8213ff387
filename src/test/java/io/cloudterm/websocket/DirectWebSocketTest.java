package io.cloudterm.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.websocket.WsListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The protocol side of a WebSocket, over a transport that only records what is written. */
class DirectWebSocketTest {

    /** Keeps the bytes written; never blocks. */
    private static final class RecordingTransport implements FrameTransport {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();

        @Override
        public void write(ByteBuffer[] buffers) {
            for (ByteBuffer buffer : buffers) {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                written.writeBytes(bytes);
            }
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aLongCloseReasonIsCutBetweenCharactersSoItStaysUtf8() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        DirectWebSocket socket = new DirectWebSocket(transport, new WsListener() { }, null, null, 1 << 20, closed -> { });
        socket.close(4001, "xy" + "\u00e9".repeat(100));
        socket.terminate();
        ClientFrames.Frame frame = ClientFrames.read(new ByteArrayInputStream(transport.written.toByteArray()));
        assertEquals(4001, frame.closeCode());
        int reasonBytes = frame.payload().length - 2;
        assertTrue(reasonBytes <= 123, reasonBytes + " bytes");
        String reason = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(frame.payload(), 2, reasonBytes)).toString();
        assertEquals("xy" + "\u00e9".repeat(60), reason);
    }
}
