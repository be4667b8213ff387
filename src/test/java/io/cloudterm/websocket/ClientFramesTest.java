package io.cloudterm.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client codec agrees with the server's: what one writes the other reads, at every length form. */
class ClientFramesTest {

    private static byte[] payload(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 125, 126, 65535, 65536, 70000})
    void aMaskedClientFrameIsWhatTheServersDecoderReads(int length) {
        byte[] sent = payload(length);
        ByteBuffer frame = ClientFrames.putMasked(ByteBuffer.allocate(ClientFrames.MAX_CLIENT_HEADER + length),
                ClientFrames.FIN | ClientFrames.BINARY, sent, 0x12345678).flip();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        boolean[] ended = new boolean[1];
        new FrameDecoder(1 << 20).feed(frame, new FrameDecoder.Frames() {
            @Override
            public void data(ByteBuffer piece, boolean last) {
                byte[] bytes = new byte[piece.remaining()];
                piece.get(bytes);
                received.writeBytes(bytes);
                ended[0] |= last;
            }

            @Override
            public void control(int opcode, byte[] payload) {
                problems.add("control " + opcode);
            }

            @Override
            public void violation(int code, String reason) {
                problems.add(code + " " + reason);
            }
        });
        assertEquals(List.of(), problems);
        assertTrue(ended[0], "the message ended");
        assertArrayEquals(sent, received.toByteArray());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 125, 126, 65535, 65536})
    void aServerFrameIsReadWholeOrHeaderByHeader(int length) throws IOException {
        byte[] sent = payload(length);
        byte[] frame = ClientFrames.frame(ClientFrames.FIN | ClientFrames.BINARY, sent, false);
        ClientFrames.Frame read = ClientFrames.read(new ByteArrayInputStream(frame));
        assertEquals(ClientFrames.BINARY, read.opcode());
        assertTrue(read.fin());
        assertArrayEquals(sent, read.payload());

        int head = length < 126 ? 2 : length < 65536 ? 4 : 10;
        ByteBuffer partial = ByteBuffer.wrap(frame).limit(head - 1);
        assertEquals(0, ClientFrames.headerBytes(partial, 0), "a header not all there yet");
        ByteBuffer whole = ByteBuffer.wrap(frame);
        assertEquals(head, ClientFrames.headerBytes(whole, 0));
        assertEquals(length, ClientFrames.payloadLength(whole, 0));
    }

    @Test
    void aMaskedOrExtendedServerFrameIsRefused() {
        byte[] masked = ClientFrames.frame(ClientFrames.FIN | ClientFrames.BINARY, new byte[] {1}, true);
        assertThrows(IOException.class, () -> ClientFrames.headerBytes(ByteBuffer.wrap(masked), 0));
        byte[] rsv = ClientFrames.frame(0x40 | ClientFrames.FIN | ClientFrames.BINARY, new byte[] {1}, false);
        assertThrows(IOException.class, () -> ClientFrames.headerBytes(ByteBuffer.wrap(rsv), 0));
    }

    @Test
    void aCloseFrameCarriesItsCodeAndReason() throws IOException {
        byte[] frame = ClientFrames.frame(ClientFrames.FIN | ClientFrames.CLOSE, ClientFrames.closePayload(4008, "no JSON_DATA"), false);
        ClientFrames.Frame close = ClientFrames.read(new ByteArrayInputStream(frame));
        assertEquals(4008, close.closeCode());
        assertEquals("no JSON_DATA", close.closeReason());
        assertEquals(1005, new ClientFrames.Frame(ClientFrames.FIN | ClientFrames.CLOSE, new byte[0]).closeCode());
    }
}
