package io.cloudterm.io;

import java.nio.ByteBuffer;

/**
 * Where the WebSocket frames are in a byte stream that goes through unchanged (the host's side of
 * a relayed connection): it reads each frame header (RFC 6455 5.2: 2 to 14 bytes, in any number of
 * pieces) and skips the payload it announces, so that the relay knows whether the client has
 * received whole frames only, and whether the last one it got was a Close. Payload bytes are
 * counted, never looked at.
 *
 * <p>Server frames are unmasked, but a masked frame is followed as well (its key is 4 more header
 * bytes). Nothing else is checked: opcodes and reserved bits belong to the endpoints (an extension
 * may use them). A 64-bit length with its top bit set, which the RFC forbids, leaves the stream
 * {@link #lost}: no boundary is known after it.
 *
 * <p>Not thread-safe: one direction of a relay feeds it, one thread at a time.
 */
public final class FrameBoundaries {

    private static final int OPCODE_CLOSE = 0x8;

    private enum State { FIRST_BYTE, LENGTH_BYTE, EXTENDED_LENGTH, MASKING_KEY, PAYLOAD, LOST }

    private State state = State.FIRST_BYTE;
    private int opcode;
    private boolean masked;
    /** Header bytes still to come in the current state (extended length or masking key). */
    private int headerLeft;
    private long payloadLeft;
    private boolean closeSent;

    /** Follows {@code bytes} from its position to its limit, leaving the position where it is. */
    public void passed(ByteBuffer bytes) {
        int at = bytes.position();
        int end = bytes.limit();
        while (at < end && state != State.LOST) {
            if (state == State.PAYLOAD) {
                int skip = (int) Math.min(payloadLeft, end - at);
                at += skip;
                skipped(skip);
            } else {
                headerByte(bytes.get(at++) & 0xff);
            }
        }
    }

    /**
     * Payload bytes of the current frame still to come: that many may go through without being
     * {@link #passed} (then say so with {@link #skipped}). 0 inside a header or at a boundary, where
     * the next bytes must be seen.
     */
    public long payloadLeft() {
        return state == State.PAYLOAD ? payloadLeft : 0;
    }

    /** {@code count} payload bytes, at most {@link #payloadLeft}, went through unseen. */
    public void skipped(long count) {
        if (count < 0 || count > payloadLeft()) {
            throw new IllegalArgumentException("skipped " + count + " of " + payloadLeft() + " payload bytes left");
        }
        payloadLeft -= count;
        if (payloadLeft == 0 && count > 0) {
            frameEnded();
        }
    }

    /** Whether the bytes so far end with a whole frame (or are none): a frame of our own may follow. */
    public boolean atBoundary() {
        return state == State.FIRST_BYTE;
    }

    /** Whether a whole Close frame went through. */
    public boolean closeSent() {
        return closeSent;
    }

    /** Whether a malformed header hid where frames end: from then on nothing is at a boundary. */
    public boolean lost() {
        return state == State.LOST;
    }

    private void headerByte(int b) {
        switch (state) {
            case FIRST_BYTE -> {
                opcode = b & 0x0f;
                state = State.LENGTH_BYTE;
            }
            case LENGTH_BYTE -> {
                masked = (b & 0x80) != 0;
                int length = b & 0x7f;
                payloadLeft = length < 126 ? length : 0;
                if (length == 126 || length == 127) {
                    headerLeft = length == 126 ? 2 : 8;
                    state = State.EXTENDED_LENGTH;
                } else {
                    afterLength();
                }
            }
            case EXTENDED_LENGTH -> {
                if (headerLeft == 8 && (b & 0x80) != 0) {
                    state = State.LOST; // RFC 6455 5.2: "the most significant bit MUST be 0"
                    return;
                }
                payloadLeft = payloadLeft << 8 | b;
                if (--headerLeft == 0) {
                    afterLength();
                }
            }
            case MASKING_KEY -> {
                if (--headerLeft == 0) {
                    afterHeader();
                }
            }
            default -> throw new IllegalStateException("not in a header: " + state);
        }
    }

    private void afterLength() {
        if (masked) {
            headerLeft = 4;
            state = State.MASKING_KEY;
        } else {
            afterHeader();
        }
    }

    private void afterHeader() {
        if (payloadLeft == 0) {
            frameEnded();
        } else {
            state = State.PAYLOAD;
        }
    }

    private void frameEnded() {
        if (opcode == OPCODE_CLOSE) {
            closeSent = true;
        }
        state = State.FIRST_BYTE;
    }
}
