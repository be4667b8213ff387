package io.cloudterm.client;

import io.cloudterm.websocket.ClientFrames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Server frames parsed out of one read buffer, RFC 6455 from the client's side: unmasked frames
 * with 7, 16 or 64-bit lengths, fragmented messages, control frames between fragments. A data
 * payload is handed on as a range of the buffer, piece by piece as it arrives, never copied; a
 * control frame (at most 125 bytes) whole. Used by one thread, the client's reader.
 */
final class FrameReader {

    /** What the frames carry. */
    interface Handler {
        /** Bytes {@code [from, to)} of {@code buffer}: the next piece of a data message; {@code last} ends it. */
        void data(ByteBuffer buffer, int from, int to, boolean last) throws IOException;

        /** A whole control frame. */
        void control(int opcode, byte[] payload) throws IOException;
    }

    private final ByteBuffer buffer;
    private final Handler handler;
    /** Inside a data frame: its payload bytes not yet handed on, and whether it ends its message. */
    private boolean inFrame, fin;
    private long left;
    /** Inside a (possibly fragmented) data message. */
    private boolean inMessage;

    /** Reads into {@code buffer}, which holds (flipped) any bytes that came with the upgrade's answer. */
    FrameReader(ByteBuffer buffer, Handler handler) {
        this.buffer = buffer;
        this.handler = handler;
    }

    /** Between frames: the next thing handled will be a frame's head. */
    boolean atFrameStart() {
        return !inFrame;
    }

    /** Handles the next frame or piece of one, reading from {@code in} as needed; false at the end of the stream. */
    boolean next(ReadableByteChannel in) throws IOException {
        while (!step()) {
            buffer.compact();
            if (!buffer.hasRemaining()) {
                throw new IOException("no room for a frame head in the read buffer"); // a head is at most 14 + 125 bytes
            }
            int n = in.read(buffer);
            buffer.flip();
            if (n < 0) {
                return false;
            }
        }
        return true;
    }

    /** Handles the next piece in the buffer; false when more bytes are needed. */
    private boolean step() throws IOException {
        if (inFrame) {
            int n = (int) Math.min(left, buffer.remaining());
            if (n == 0 && left > 0) {
                return false;
            }
            int start = buffer.position();
            buffer.position(start + n);
            left -= n;
            inFrame = left > 0;
            if (!inFrame && fin) {
                inMessage = false;
            }
            handler.data(buffer, start, start + n, fin && left == 0);
            return true;
        }
        int p = buffer.position();
        int head = ClientFrames.headerBytes(buffer, p);
        if (head == 0) {
            return false;
        }
        long length = ClientFrames.payloadLength(buffer, p);
        int b0 = buffer.get(p) & 0xff;
        int opcode = b0 & 0x0f;
        boolean last = (b0 & ClientFrames.FIN) != 0;
        if (opcode >= 8) {
            if (!last || length > 125) {
                throw new IOException("a fragmented or long control frame: opcode " + opcode + ", " + length + " bytes");
            }
            if (buffer.remaining() < head + length) {
                return false;
            }
            byte[] payload = new byte[(int) length];
            buffer.position(p + head).get(payload);
            handler.control(opcode, payload);
            return true;
        }
        if (opcode == ClientFrames.CONTINUATION) {
            if (!inMessage) {
                throw new IOException("a continuation frame outside a message");
            }
        } else if (opcode == ClientFrames.TEXT || opcode == ClientFrames.BINARY) {
            if (inMessage) {
                throw new IOException("a new message inside a fragmented one");
            }
            inMessage = true;
        } else {
            throw new IOException("unknown opcode " + opcode);
        }
        buffer.position(p + head);
        inFrame = true;
        fin = last;
        left = length;
        return true;
    }
}
