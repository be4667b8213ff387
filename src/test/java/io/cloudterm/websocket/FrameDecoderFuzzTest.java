package io.cloudterm.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Whatever a client writes to the socket, in pieces of any size: the decoder reports frames, or
 * one violation with a close code, and then nothing; it never throws, never holds a data frame
 * back, and splitting the bytes differently changes nothing it reports.
 *
 * <p>The input is a run of frames built from the fuzzer's choices (any first byte, masked or not,
 * any payload), with raw bytes mixed in to break the framing, cut into pieces of fuzzer-chosen sizes.
 */
class FrameDecoderFuzzTest {

    private static final Set<Integer> CLOSE_CODES =
            Set.of(FrameDecoder.PROTOCOL_ERROR, FrameDecoder.INVALID_PAYLOAD, FrameDecoder.TOO_BIG);

    @FuzzTest
    void anyBytesInAnyPiecesGiveFramesOrOneViolation(FuzzedDataProvider data) {
        long maxFrame = data.consumeInt(0, 512);
        int[] pieceSizes = new int[data.consumeInt(1, 6)];
        for (int i = 0; i < pieceSizes.length; i++) {
            pieceSizes[i] = data.consumeInt(1, 200);
        }
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<Boolean> textMessages = new ArrayList<>();
        boolean framed = true;
        Boolean current = null;
        while (data.remainingBytes() > 0 && textMessages.size() < 64) {
            if (data.consumeInt(0, 7) == 0) {
                framed = false;
                stream.writeBytes(data.consumeBytes(data.consumeInt(0, 16)));
                continue;
            }
            int firstByte = data.consumeByte() & 0xFF;
            boolean masked = data.consumeInt(0, 15) != 0;
            stream.writeBytes(ClientFrames.frame(firstByte, data.consumeBytes(data.consumeInt(0, 300)), masked));
            // Which completed messages are text, as long as the frames are well formed.
            int opcode = firstByte & 0x0F;
            if (opcode == FrameDecoder.TEXT || opcode == FrameDecoder.BINARY) {
                current = opcode == FrameDecoder.TEXT;
            }
            if (opcode < FrameDecoder.CLOSE && (firstByte & 0x80) != 0 && current != null) {
                textMessages.add(current);
                current = null;
            }
        }
        byte[] bytes = stream.toByteArray();

        Recorder whole = decode(bytes.clone(), maxFrame, new int[] {Math.max(1, bytes.length)});
        Recorder pieces = decode(bytes.clone(), maxFrame, pieceSizes);
        pieces.checkContract(framed ? textMessages : null);
        assertEquals(whole.events, pieces.events, "the same bytes split differently");
    }

    private static Recorder decode(byte[] bytes, long maxFrame, int[] pieceSizes) {
        FrameDecoder decoder = new FrameDecoder(maxFrame);
        Recorder recorder = new Recorder();
        int at = 0;
        for (int i = 0; at < bytes.length; i++) {
            int size = Math.min(pieceSizes[i % pieceSizes.length], bytes.length - at);
            recorder.fed = size;
            try {
                decoder.feed(ByteBuffer.wrap(bytes, at, size).slice(), recorder);
            } catch (RuntimeException e) {
                throw new AssertionError("the decoder threw instead of reporting a violation", e);
            }
            at += size;
        }
        return recorder;
    }

    /** What the decoder reported: whole messages, control frames and a violation, in order. */
    private static final class Recorder implements FrameDecoder.Frames {
        final List<String> events = new ArrayList<>();
        final List<byte[]> messages = new ArrayList<>();
        final List<byte[]> closes = new ArrayList<>();
        final ByteArrayOutputStream message = new ByteArrayOutputStream();
        int fed;
        boolean violated;

        @Override
        public void data(ByteBuffer piece, boolean last) {
            assertTrue(!violated, "data after a violation");
            // Payload is handed on from the bytes just fed, never gathered into a buffer.
            assertTrue(piece.remaining() <= fed, "a data piece larger than the bytes fed");
            byte[] bytes = new byte[piece.remaining()];
            piece.get(bytes);
            message.writeBytes(bytes);
            if (last) {
                messages.add(message.toByteArray());
                events.add("message " + HexFormat.of().formatHex(message.toByteArray()));
                message.reset();
            }
        }

        @Override
        public void control(int opcode, byte[] payload) {
            assertTrue(!violated, "a control frame after a violation");
            assertTrue(opcode == FrameDecoder.CLOSE || opcode == FrameDecoder.PING || opcode == FrameDecoder.PONG,
                    "control opcode " + opcode);
            assertTrue(payload.length <= 125, "a control payload of " + payload.length + " bytes");
            if (opcode == FrameDecoder.CLOSE) {
                closes.add(payload);
            }
            events.add("control " + opcode + " " + HexFormat.of().formatHex(payload));
        }

        @Override
        public void violation(int code, String reason) {
            assertTrue(!violated, "a second violation: " + reason);
            violated = true;
            assertTrue(CLOSE_CODES.contains(code), "close code " + code + " for " + reason);
            events.add("violation " + code);
        }

        /** What a server must refuse and so never hand on (RFC 6455, 5.5.1, 7.4, 8.1). */
        void checkContract(List<Boolean> textMessages) {
            for (byte[] close : closes) {
                if (close.length == 1) {
                    fail("a close frame with a one-byte code handed on");
                }
                if (close.length >= 2) {
                    int code = ((close[0] & 0xFF) << 8) | (close[1] & 0xFF);
                    // Stated again here, not taken from the decoder: 1000-1003, 1007-1014, 3000-4999.
                    if (!((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999))) {
                        fail("close code " + code + " handed on");
                    }
                    if (!utf8(close, 2)) {
                        fail("a close reason that is not UTF-8 handed on");
                    }
                }
            }
            if (textMessages == null) {
                return;
            }
            for (int i = 0; i < messages.size(); i++) {
                if (i >= textMessages.size()) {
                    fail("more messages reported than were sent");
                }
                if (textMessages.get(i) && !utf8(messages.get(i), 0)) {
                    fail("a text message that is not UTF-8 handed on");
                }
            }
        }

        private static boolean utf8(byte[] bytes, int from) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, from, bytes.length - from));
                return true;
            } catch (CharacterCodingException e) {
                return false;
            }
        }
    }
}
