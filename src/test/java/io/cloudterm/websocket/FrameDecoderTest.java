package io.cloudterm.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Client frames as RFC 6455 writes them, fed to the decoder whole, byte by byte, and broken. */
class FrameDecoderTest {

    /** What the decoder reported, as lines. */
    private static class Recorder implements FrameDecoder.Frames {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream message = new ByteArrayOutputStream();

        @Override
        public void data(ByteBuffer piece, boolean last) {
            byte[] bytes = new byte[piece.remaining()];
            piece.get(bytes);
            message.writeBytes(bytes);
            if (last) {
                events.add("message " + message.toString(StandardCharsets.UTF_8));
                message.reset();
            }
        }

        @Override
        public void control(int opcode, byte[] payload) {
            events.add("control " + opcode + " " + new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void violation(int code, String reason) {
            events.add("violation " + code + " " + reason);
        }
    }

    static byte[] frame(int firstByte, byte[] payload, boolean masked) {
        return ClientFrames.frame(firstByte, payload, masked);
    }

    static byte[] frame(int firstByte, String payload) {
        return ClientFrames.frame(firstByte, payload);
    }

    private static List<String> decode(long maxFrame, int pieceSize, byte[]... frames) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            all.writeBytes(f);
        }
        byte[] bytes = all.toByteArray();
        FrameDecoder decoder = new FrameDecoder(maxFrame);
        Recorder recorder = new Recorder();
        for (int at = 0; at < bytes.length; at += pieceSize) {
            decoder.feed(ByteBuffer.wrap(bytes, at, Math.min(pieceSize, bytes.length - at)).slice(), recorder);
        }
        return recorder.events;
    }

    @Test
    void aMaskedMessageIsUnmaskedWhetherItComesWholeOrByteByByte() {
        byte[] text = frame(0x82, "0echo hello\r");
        for (int pieceSize : new int[] {1, 2, 3, 5, 7, 1000}) {
            assertEquals(List.of("message 0echo hello\r"), decode(1 << 20, pieceSize, text), "pieces of " + pieceSize);
        }
    }

    @Test
    void sixteenAndSixtyFourBitLengthsAreRead() {
        String medium = "x".repeat(300);
        String large = "y".repeat(70_000);
        assertEquals(List.of("message " + medium, "message " + large),
                decode(1 << 20, 4093, frame(0x82, medium), frame(0x82, large)));
    }

    @Test
    void fragmentsMakeOneMessageAndControlFramesMayComeBetween() {
        assertEquals(List.of("control 9 are you there", "message {\"columns\":80}"),
                decode(1 << 20, 3, frame(0x01, "{\"colu"), frame(0x89, "are you there"), frame(0x00, "mns\""),
                        frame(0x80, ":80}")));
    }

    @Test
    void emptyFramesAndControlFramesWithoutPayloadAreReported() {
        assertEquals(List.of("message ", "control 10 ", "control 8 "),
                decode(1 << 20, 1, frame(0x82, ""), frame(0x8A, ""), frame(0x88, "")));
    }

    @Test
    void theCloseFramesPayloadIsHandedOnWhole() {
        byte[] payload = {0x03, (byte) 0xE8, 'b', 'y', 'e'};
        FrameDecoder decoder = new FrameDecoder(1 << 20);
        List<byte[]> seen = new ArrayList<>();
        decoder.feed(ByteBuffer.wrap(frame(0x88, payload, true)), new Recorder() {
            @Override
            public void control(int opcode, byte[] bytes) {
                seen.add(bytes);
            }
        });
        assertArrayEquals(payload, seen.getFirst());
    }

    @Test
    void anUnmaskedFrameIsAProtocolError() {
        assertEquals(List.of("violation 1002 a client frame must be masked"),
                decode(1 << 20, 100, frame(0x82, "0ls".getBytes(StandardCharsets.UTF_8), false), frame(0x82, "0ls")));
    }

    @Test
    void reservedBitsUnknownOpcodesAndBadFragmentsAreProtocolErrors() {
        assertEquals("violation 1002 reserved bits set, but no extension was negotiated",
                decode(1 << 20, 100, frame(0xC2, "0")).getFirst());
        assertEquals("violation 1002 unknown opcode 3", decode(1 << 20, 100, frame(0x83, "0")).getFirst());
        assertEquals("violation 1002 a continuation frame outside a fragmented message",
                decode(1 << 20, 100, frame(0x80, "0")).getFirst());
        assertEquals("violation 1002 a new message began before the fragmented one ended",
                decode(1 << 20, 100, frame(0x02, "0"), frame(0x82, "1")).getFirst());
        assertEquals("violation 1002 a control frame must be whole and at most 125 bytes",
                decode(1 << 20, 100, frame(0x09, "ping")).getFirst());
        assertEquals("violation 1002 a control frame must be whole and at most 125 bytes",
                decode(1 << 20, 100, frame(0x89, "p".repeat(126))).getFirst());
    }

    @Test
    void aFrameOverTheLimitIsRefusedFromItsHeaderAndNothingAfterIsReported() {
        assertEquals(List.of("violation 1009 frame larger than 1000 bytes"),
                decode(1000, 7, frame(0x82, "z".repeat(1001)), frame(0x82, "0ok")));
    }
}
