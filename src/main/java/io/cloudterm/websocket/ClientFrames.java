package io.cloudterm.websocket;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * RFC 6455 framing from the client's side: frames out masked, server frames in unmasked. The one
 * client codec of the project: the product's client ({@code io.cloudterm.client.TtyClient}, which
 * the AOT training run, the load driver and the tests use) frames with it, and tests that break
 * the rules on purpose (unmasked frames, any first byte) use it directly.
 *
 * <p>The server's own codec ({@link FrameDecoder}, {@link FrameEncoder}) is not reused: it checks
 * the opposite rules (every frame masked) on the server's hot path, and a mode flag there would
 * put a client's branch into every server read for a client that sends a few frames.
 */
public final class ClientFrames {

    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;
    /** First byte of a final frame: FIN bit and opcode. */
    public static final int FIN = 0x80;
    /** The longest header a client writes: two bytes, an eight-byte length and the mask key. */
    public static final int MAX_CLIENT_HEADER = 14;

    private static final int KEY = 0x37FA213D;

    private ClientFrames() {
    }

    /** A frame the server sent: its first byte (FIN and opcode) and payload. */
    public record Frame(int firstByte, byte[] payload) {
        public int opcode() {
            return firstByte & 0x0F;
        }

        public boolean fin() {
            return (firstByte & FIN) != 0;
        }

        /** A close frame's code, 1005 (none) if it carries none. */
        public int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        /** A close frame's reason. */
        public String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /**
     * Puts one client frame into {@code into}: {@code firstByte} (FIN and opcode), the length in
     * its shortest form, {@code mask} and the payload masked with it. {@code into} needs
     * {@link #MAX_CLIENT_HEADER} bytes more than the payload.
     */
    public static ByteBuffer putMasked(ByteBuffer into, int firstByte, byte[] payload, int mask) {
        int n = payload.length;
        into.put((byte) firstByte);
        if (n < 126) {
            into.put((byte) (0x80 | n));
        } else if (n < 65536) {
            into.put((byte) (0x80 | 126)).putShort((short) n);
        } else {
            into.put((byte) (0x80 | 127)).putLong(n);
        }
        into.putInt(mask);
        for (int i = 0; i < n; i++) {
            into.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
        }
        return into;
    }

    /** A client frame, masked (unless not {@code masked}), its length in the shortest form. */
    public static byte[] frame(int firstByte, byte[] payload, boolean masked) {
        if (masked) {
            ByteBuffer b = putMasked(ByteBuffer.allocate(MAX_CLIENT_HEADER + payload.length), firstByte, payload, KEY);
            byte[] bytes = new byte[b.position()];
            b.flip().get(bytes);
            return bytes;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length < 65536) {
            out.write(126);
            out.write(payload.length >>> 8);
            out.write(payload.length);
        } else {
            out.write(127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) payload.length >>> (8 * i)));
            }
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** A masked client frame with a UTF-8 payload. */
    public static byte[] frame(int firstByte, String payload) {
        return frame(firstByte, payload.getBytes(StandardCharsets.UTF_8), true);
    }

    /** A close frame's payload: the code, then the reason in UTF-8. */
    public static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    /**
     * The size of the header of the server frame at {@code at} in {@code bytes} (2, 4 or 10), or
     * 0 while fewer bytes than that have come. Throws for what a server must not send: a mask,
     * reserved bits (no extension is negotiated).
     */
    public static int headerBytes(ByteBuffer bytes, int at) throws IOException {
        int available = bytes.limit() - at;
        if (available < 2) {
            return 0;
        }
        int b0 = bytes.get(at) & 0xFF, b1 = bytes.get(at + 1) & 0xFF;
        if ((b1 & 0x80) != 0) {
            throw new IOException("a masked frame from the server");
        }
        if ((b0 & 0x70) != 0) {
            throw new IOException("RSV bits set without an extension: " + Integer.toHexString(b0));
        }
        int len7 = b1 & 0x7F;
        int head = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
        return available < head ? 0 : head;
    }

    /** The payload length of the server frame whose whole header is at {@code at} (see {@link #headerBytes}). */
    public static long payloadLength(ByteBuffer bytes, int at) throws IOException {
        int len7 = bytes.get(at + 1) & 0x7F;
        long length = len7 == 126 ? bytes.getShort(at + 2) & 0xFFFF : len7 == 127 ? bytes.getLong(at + 2) : len7;
        if (length < 0) {
            throw new IOException("a frame length above 2^63");
        }
        return length;
    }

    /** Reads one (unmasked) server frame; throws EOFException at the end of the stream. */
    public static Frame read(InputStream in) throws IOException {
        int first = readByte(in);
        int second = readByte(in);
        long length = second & 0x7F;
        if (length == 126) {
            length = (readByte(in) << 8) | readByte(in);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte(in);
            }
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("a server frame of " + length + " bytes");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("frame cut short");
        }
        return new Frame(first, payload);
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }
}
