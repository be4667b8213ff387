package io.cloudterm.websocket;

import java.nio.ByteBuffer;

/**
 * Decodes the frames a client sends (RFC 6455, section 5) from bytes as they arrive, in pieces of
 * any size: a frame's header may be split across reads and its payload is handed on as it comes,
 * unmasked, so a connection holds only a few fields between reads, never a frame.
 *
 * <p>Checks what the RFC says a server must: every client frame masked, no reserved bits (no
 * extension is negotiated), known opcodes, control frames short and unfragmented, continuations
 * only inside a fragmented message. A violation is reported once with its close code, and the
 * decoder then ignores the rest.
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
    static final int TOO_BIG = 1009;

    private static final int MAX_CONTROL_PAYLOAD = 125;

    /** What the decoder found; called on the thread that feeds it. */
    interface Frames {

        /** A piece of a data message's payload, unmasked; {@code last} ends the message. */
        void data(ByteBuffer piece, boolean last);

        /** A whole control frame (ping, pong or close) with its payload, unmasked. */
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

    private void check(int lengthByte, int headerLength, Frames frames) {
        fin = (header[0] & 0x80) != 0;
        opcode = header[0] & 0x0F;
        if ((header[0] & 0x70) != 0) {
            fail(frames, PROTOCOL_ERROR, "reserved bits set, but no extension was negotiated");
            return;
        }
        if ((header[1] & 0x80) == 0) {
            fail(frames, PROTOCOL_ERROR, "a client frame must be masked");
            return;
        }
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
                if (!fin || length > MAX_CONTROL_PAYLOAD) {
                    fail(frames, PROTOCOL_ERROR, "a control frame must be whole and at most 125 bytes");
                    return;
                }
                controlPayload = new byte[(int) length];
                controlRead = 0;
            }
            case TEXT, BINARY -> {
                if (inMessage) {
                    fail(frames, PROTOCOL_ERROR, "a new message began before the fragmented one ended");
                    return;
                }
                inMessage = !fin;
            }
            case CONTINUATION -> {
                if (!inMessage) {
                    fail(frames, PROTOCOL_ERROR, "a continuation frame outside a fragmented message");
                    return;
                }
                inMessage = !fin;
            }
            default -> fail(frames, PROTOCOL_ERROR, "unknown opcode " + opcode);
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
            frames.control(opcode, payload);
            return;
        }
        boolean last = fin && payloadLeft == 0;
        if (piece != null || last) {
            frames.data(piece == null ? ByteBuffer.allocate(0) : piece, last);
        }
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
