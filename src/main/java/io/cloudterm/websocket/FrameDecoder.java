package io.cloudterm.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the frames a client sends (RFC 6455, section 5) from bytes as they arrive, in pieces of
 * any size: a frame's header may be split across reads and its payload is handed on as it comes,
 * unmasked, so a connection holds only a few fields between reads, never a frame.
 *
 * <p>Checks what the RFC says a server must: every client frame masked, no reserved bits (no
 * extension is negotiated), known opcodes, control frames short and unfragmented, continuations
 * only inside a fragmented message (1002); text messages and close reasons in valid UTF-8 (1007);
 * close codes a client may send (1002). What can be judged from a frame's first two bytes is
 * judged there, without waiting for the rest of the header. A violation is reported once with its
 * close code, and the decoder then ignores the rest.
 */
final class FrameDecoder {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** Close codes for what this decoder refuses (RFC 6455, 7.4.1). */
    static final int PROTOCOL_ERROR = 1002;
    static final int INVALID_PAYLOAD = 1007;
    static final int TOO_BIG = 1009;

    private static final int MAX_CONTROL_PAYLOAD = 125;

    /** What the decoder found; called on the thread that feeds it. */
    interface Frames {

        /** A piece of a data message's payload, unmasked; {@code last} ends the message. */
        void data(ByteBuffer piece, boolean last);

        /**
         * A whole control frame (ping, pong or close) with its payload, unmasked; a close frame's
         * payload is empty or a valid code and a UTF-8 reason.
         */
        void control(int opcode, byte[] payload);

        /** The client broke the protocol: close with {@code code}; nothing more will be reported. */
        void violation(int code, String reason);
    }

    private final long maxFrameBytes;

    // The frame being read.
    private final byte[] header = new byte[14];
    private int headerRead;
    private int opcode;
    private boolean fin;
    private long payloadLeft;
    private int maskKey;
    private int maskPhase;
    private byte[] controlPayload;
    private int controlRead;

    /** Whether a fragmented data message has begun and not ended. */
    private boolean inMessage;
    /** Whether the data message being read is text, whose bytes must be UTF-8. */
    private boolean textMessage;
    private final Utf8Validator text = new Utf8Validator();
    private boolean failed;

    FrameDecoder(long maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Consumes all of {@code bytes} (unmasking payload in place), reporting what it completes. */
    void feed(ByteBuffer bytes, Frames frames) {
        while (bytes.hasRemaining() && !failed) {
            if (payloadLeft == 0) {
                if (!readHeader(bytes, frames)) {
                    return;
                }
                if (failed) {
                    return;
                }
                if (payloadLeft == 0) {
                    frameComplete(frames, null);
                    continue;
                }
            }
            int take = (int) Math.min(bytes.remaining(), payloadLeft);
            ByteBuffer piece = bytes.slice(bytes.position(), take);
            unmask(piece);
            bytes.position(bytes.position() + take);
            payloadLeft -= take;
            if (controlPayload != null) {
                piece.get(controlPayload, controlRead, take);
                controlRead += take;
                if (payloadLeft == 0) {
                    frameComplete(frames, null);
                }
            } else {
                frameComplete(frames, piece);
            }
        }
    }

    /** Collects header bytes; true once the whole header is in and checked. */
    private boolean readHeader(ByteBuffer bytes, Frames frames) {
        while (headerRead < 2) {
            if (!bytes.hasRemaining()) {
                return false;
            }
            header[headerRead++] = bytes.get();
            if (headerRead == 2 && !firstTwoBytesAllowed(frames)) {
                return true;
            }
        }
        int lengthByte = header[1] & 0x7F;
        int needed = 2 + (lengthByte == 126 ? 2 : lengthByte == 127 ? 8 : 0) + 4;
        while (headerRead < needed) {
            if (!bytes.hasRemaining()) {
                return false;
            }
            header[headerRead++] = bytes.get();
        }
        headerRead = 0;
        check(lengthByte, needed, frames);
        return true;
    }

    /** Judges what the first two bytes say (RFC 6455, 5.2, 5.5, 5.3); false after reporting a violation. */
    private boolean firstTwoBytesAllowed(Frames frames) {
        int first = header[0];
        int op = first & 0x0F;
        if ((first & 0x70) != 0) {
            fail(frames, PROTOCOL_ERROR, "reserved bits set, but no extension was negotiated");
        } else if ((header[1] & 0x80) == 0) {
            fail(frames, PROTOCOL_ERROR, "a client frame must be masked");
        } else if (op != CONTINUATION && op != TEXT && op != BINARY && op != CLOSE && op != PING && op != PONG) {
            fail(frames, PROTOCOL_ERROR, "unknown opcode " + op);
        } else if (op >= CLOSE && ((first & 0x80) == 0 || (header[1] & 0x7F) > MAX_CONTROL_PAYLOAD)) {
            fail(frames, PROTOCOL_ERROR, "a control frame must be whole and at most 125 bytes");
        }
        if (failed) {
            headerRead = 0;
        }
        return !failed;
    }

    private void check(int lengthByte, int headerLength, Frames frames) {
        fin = (header[0] & 0x80) != 0;
        opcode = header[0] & 0x0F;
        long length = lengthByte;
        if (lengthByte == 126) {
            length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        } else if (lengthByte == 127) {
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (header[i] & 0xFF);
            }
            if (length < 0) {
                fail(frames, PROTOCOL_ERROR, "frame length has its top bit set");
                return;
            }
        }
        int keyAt = headerLength - 4;
        maskKey = ((header[keyAt] & 0xFF) << 24) | ((header[keyAt + 1] & 0xFF) << 16)
                | ((header[keyAt + 2] & 0xFF) << 8) | (header[keyAt + 3] & 0xFF);
        maskPhase = 0;
        payloadLeft = length;
        controlPayload = null;
        switch (opcode) {
            case CLOSE, PING, PONG -> {
                controlPayload = new byte[(int) length];
                controlRead = 0;
            }
            case TEXT, BINARY -> {
                if (inMessage) {
                    fail(frames, PROTOCOL_ERROR, "a new message began before the fragmented one ended");
                    return;
                }
                inMessage = !fin;
                textMessage = opcode == TEXT;
            }
            case CONTINUATION -> {
                if (!inMessage) {
                    fail(frames, PROTOCOL_ERROR, "a continuation frame outside a fragmented message");
                    return;
                }
                inMessage = !fin;
            }
            default -> throw new IllegalStateException("opcode " + opcode + " passed the first check");
        }
        if (!failed && length > maxFrameBytes) {
            fail(frames, TOO_BIG, "frame larger than " + maxFrameBytes + " bytes");
        }
    }

    /** Reports a finished control frame, or a data piece (the message's last if this frame ends it). */
    private void frameComplete(Frames frames, ByteBuffer piece) {
        if (controlPayload != null || opcode >= CLOSE) {
            byte[] payload = controlPayload == null ? new byte[0] : controlPayload;
            controlPayload = null;
            if (opcode == CLOSE && !closePayloadAllowed(payload, frames)) {
                return;
            }
            frames.control(opcode, payload);
            return;
        }
        boolean last = fin && payloadLeft == 0;
        if (textMessage && ((piece != null && !text.accept(piece)) || (last && !text.complete()))) {
            fail(frames, INVALID_PAYLOAD, "a text message that is not valid UTF-8");
            return;
        }
        if (piece != null || last) {
            frames.data(piece == null ? ByteBuffer.allocate(0) : piece, last);
        }
    }

    /**
     * A close frame holds nothing, or a code a client may send and a UTF-8 reason (RFC 6455,
     * 5.5.1, 7.4): 1005, 1006 and 1015 only ever stand for a missing code, 1004 and the rest below
     * 3000 are IANA's to assign, and nothing outside 1000..4999 is a close code at all.
     */
    private boolean closePayloadAllowed(byte[] payload, Frames frames) {
        if (payload.length == 0) {
            return true;
        }
        if (payload.length == 1) {
            fail(frames, PROTOCOL_ERROR, "a close frame's code must have two bytes");
            return false;
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        if (!closeCodeAllowed(code)) {
            fail(frames, PROTOCOL_ERROR, "close code " + code + " is not one a client may send");
            return false;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload, 2, payload.length - 2));
        } catch (CharacterCodingException e) {
            fail(frames, INVALID_PAYLOAD, "a close reason that is not valid UTF-8");
            return false;
        }
        return true;
    }

    /** The codes defined for an endpoint to send (1000-1003, 1007-1014) and the ranges for libraries and applications. */
    static boolean closeCodeAllowed(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** XORs with the 4-byte key, continuing from where the last piece of this frame stopped. */
    private void unmask(ByteBuffer piece) {
        int at = piece.position();
        int end = piece.limit();
        while (at < end && maskPhase != 0) {
            piece.put(at, (byte) (piece.get(at) ^ keyByte(maskPhase)));
            maskPhase = (maskPhase + 1) & 3;
            at++;
        }
        while (end - at >= 4) {
            piece.putInt(at, piece.getInt(at) ^ maskKey);
            at += 4;
        }
        while (at < end) {
            piece.put(at, (byte) (piece.get(at) ^ keyByte(maskPhase)));
            maskPhase = (maskPhase + 1) & 3;
            at++;
        }
    }

    private byte keyByte(int phase) {
        return (byte) (maskKey >>> (24 - 8 * phase));
    }

    private void fail(Frames frames, int code, String reason) {
        failed = true;
        frames.violation(code, reason);
    }
}
