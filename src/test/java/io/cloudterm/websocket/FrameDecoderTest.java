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

    private static byte[] closePayload(int code, byte... reason) {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return payload;
    }

    @Test
    void anUnmaskedFrameIsRefusedAsSoonAsItsSecondByteArrives() {
        assertEquals(List.of("violation 1002 a client frame must be masked"), decode(1 << 20, 100, new byte[] {(byte) 0x82, 0x03}));
    }

    @Test
    void reservedBitsAndOpcodesAreRefusedFromTheFirstTwoBytes() {
        assertEquals(List.of("violation 1002 reserved bits set, but no extension was negotiated"),
                decode(1 << 20, 100, new byte[] {(byte) 0x92, (byte) 0x85}));
        for (int opcode : new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            assertEquals(List.of("violation 1002 unknown opcode " + opcode),
                    decode(1 << 20, 100, new byte[] {(byte) (0x80 | opcode), (byte) 0x85}), "opcode " + opcode);
        }
    }

    @Test
    void aLongOrFragmentedControlFrameIsRefusedBeforeItsPayloadComes() {
        for (int opcode : new int[] {0x8, 0x9, 0xA}) {
            assertEquals(List.of("violation 1002 a control frame must be whole and at most 125 bytes"),
                    decode(1 << 20, 100, new byte[] {(byte) (0x80 | opcode), (byte) (0x80 | 126)}), "126-byte opcode " + opcode);
            assertEquals(List.of("violation 1002 a control frame must be whole and at most 125 bytes"),
                    decode(1 << 20, 100, new byte[] {(byte) opcode, (byte) 0x80}), "fragmented opcode " + opcode);
        }
    }

    @Test
    void aContinuationWithoutAStartIsAProtocolErrorEvenWhenItIsNotTheLast() {
        assertEquals(List.of("violation 1002 a continuation frame outside a fragmented message"),
                decode(1 << 20, 100, frame(0x00, "0ls"), frame(0x80, "\r")));
    }

    @Test
    void closeCodesAClientMayNotSendAreProtocolErrors() {
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
            assertEquals(List.of("violation 1002 close code " + code + " is not one a client may send"),
                    decode(1 << 20, 100, frame(0x88, closePayload(code), true)), "code " + code);
        }
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 3999, 4000, 4999}) {
            assertEquals(List.of("control 8 \0\0".replace("\0\0", new String(closePayload(code), StandardCharsets.UTF_8))),
                    decode(1 << 20, 100, frame(0x88, closePayload(code), true)), "code " + code);
        }
    }

    @Test
    void aOneByteCloseFrameIsAProtocolError() {
        assertEquals(List.of("violation 1002 a close frame's code must have two bytes"),
                decode(1 << 20, 1, frame(0x88, new byte[] {0x03}, true)));
    }

    @Test
    void aCloseReasonThatIsNotUtf8IsInvalidPayload() {
        assertEquals(List.of("violation 1007 a close reason that is not valid UTF-8"),
                decode(1 << 20, 100, frame(0x88, closePayload(1000, (byte) 'o', (byte) 0xC3, (byte) 0x28), true)));
    }

    @Test
    void textThatIsNotUtf8IsInvalidPayloadAndIsNotHandedOn() {
        byte[][] broken = {
            {(byte) 0xFF},                              // never in UTF-8
            {(byte) 0x80},                              // a continuation without a start
            {(byte) 0xC0, (byte) 0xAF},                 // overlong '/'
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},    // overlong '/', three bytes
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},    // a UTF-16 surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {'0', (byte) 0xE2, (byte) 0x82},            // cut short at the end of the message
        };
        for (byte[] payload : broken) {
            assertEquals(List.of("violation 1007 a text message that is not valid UTF-8"),
                    decode(1 << 20, 1, frame(0x81, payload, true)), java.util.HexFormat.of().formatHex(payload));
        }
    }

    @Test
    void aCharacterSplitAcrossTextFragmentsIsValid() {
        byte[] euro = "0\u20ac\ud83d\ude00".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("message 0\u20ac\ud83d\ude00"), decode(1 << 20, 1,
                frame(0x01, java.util.Arrays.copyOfRange(euro, 0, 3), true),
                frame(0x00, java.util.Arrays.copyOfRange(euro, 3, 6), true),
                frame(0x80, java.util.Arrays.copyOfRange(euro, 6, euro.length), true)));
    }

    @Test
    void binaryMessagesAreNotCheckedForUtf8() {
        assertEquals(List.of("message \ufffd"), decode(1 << 20, 100, frame(0x82, new byte[] {(byte) 0xFF}, true)));
    }
}
