package io.cloudterm.websocket;

/** Headers of the frames a server sends (RFC 6455, 5.2): never masked, length in 1, 3 or 9 bytes. */
final class FrameEncoder {

    /** Two bytes plus an eight-byte length. */
    static final int MAX_HEADER_BYTES = 10;

    private FrameEncoder() {
    }

    /** Writes the header of a frame of {@code length} payload bytes at the start of {@code into}; returns its size. */
    static int header(byte[] into, int opcode, boolean fin, long length) {
        into[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        if (length < 126) {
            into[1] = (byte) length;
            return 2;
        }
        if (length < 65536) {
            into[1] = 126;
            into[2] = (byte) (length >>> 8);
            into[3] = (byte) length;
            return 4;
        }
        into[1] = 127;
        for (int i = 0; i < 8; i++) {
            into[2 + i] = (byte) (length >>> (56 - 8 * i));
        }
        return 10;
    }
}
