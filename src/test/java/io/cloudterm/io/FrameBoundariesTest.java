package io.cloudterm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Frame boundaries found in a host's byte stream however it is cut, byte by byte included. */
class FrameBoundariesTest {

    @Test
    void nothingYetIsABoundary() {
        FrameBoundaries frames = new FrameBoundaries();
        assertTrue(frames.atBoundary());
        assertFalse(frames.closeSent());
        assertEquals(0, frames.payloadLeft());
    }

    @Test
    void aSmallFrameEndsWhereItsSevenBitLengthSays() {
        byte[] frame = frame(0x1, false, 5);
        assertBoundariesByteByByte(frame, List.of(frame.length));
    }

    @Test
    void sixteenBitAndSixtyFourBitLengthsAreReadAcrossSplitHeaders() {
        byte[] medium = frame(0x2, false, 300); // 126: 2 length bytes
        byte[] large = frame(0x2, false, 70_000); // 127: 8 length bytes
        assertBoundariesByteByByte(concat(medium, large), List.of(medium.length, medium.length + large.length));
        assertEquals(4, medium.length - 300);
        assertEquals(10, large.length - 70_000);
    }

    @Test
    void aMaskedFrameHasFourKeyBytesMore() {
        byte[] masked = frame(0x1, true, 130);
        byte[] unmasked = frame(0x1, false, 1);
        assertEquals(8, masked.length - 130);
        assertBoundariesByteByByte(concat(masked, unmasked), List.of(masked.length, masked.length + unmasked.length));
    }

    @Test
    void emptyFramesEndWithTheirHeader() {
        byte[] ping = frame(0x9, false, 0);
        byte[] maskedEmpty = frame(0x1, true, 0);
        byte[] both = concat(ping, maskedEmpty);
        assertBoundariesByteByByte(both, List.of(2, 2 + 6));
    }

    @Test
    void aCloseFrameCountsOnceItIsWhole() {
        byte[] text = frame(0x1, false, 3);
        byte[] close = frame(0x8, false, 2);
        FrameBoundaries frames = new FrameBoundaries();
        frames.passed(ByteBuffer.wrap(text));
        assertFalse(frames.closeSent(), "a text frame is no Close");
        frames.passed(ByteBuffer.wrap(close, 0, close.length - 1));
        assertFalse(frames.closeSent(), "a Close cut short was not sent");
        frames.passed(ByteBuffer.wrap(close, close.length - 1, 1));
        assertTrue(frames.closeSent());
        assertTrue(frames.atBoundary());
    }

    @Test
    void payloadMayBeSkippedUnseen() {
        byte[] frame = frame(0x2, false, 1000);
        FrameBoundaries frames = new FrameBoundaries();
        frames.passed(ByteBuffer.wrap(frame, 0, 4 + 10)); // the header and 10 payload bytes
        assertEquals(990, frames.payloadLeft());
        frames.skipped(500);
        assertFalse(frames.atBoundary());
        assertThrows(IllegalArgumentException.class, () -> frames.skipped(491));
        frames.skipped(490);
        assertTrue(frames.atBoundary());
        assertEquals(0, frames.payloadLeft());
    }

    @Test
    void passingLeavesTheBufferAsItWas() {
        ByteBuffer bytes = ByteBuffer.wrap(frame(0x1, false, 20));
        bytes.position(1);
        new FrameBoundaries().passed(bytes);
        assertEquals(1, bytes.position());
        assertEquals(22, bytes.limit());
    }

    @Test
    void aSixtyFourBitLengthWithTheTopBitSetLosesTheBoundaries() {
        byte[] bad = {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1};
        FrameBoundaries frames = new FrameBoundaries();
        frames.passed(ByteBuffer.wrap(concat(bad, frame(0x1, false, 2))));
        assertTrue(frames.lost());
        assertFalse(frames.atBoundary());
    }

    @Test
    void randomFramesCutAtRandomAreFollowedToTheEnd() {
        Random random = new Random(42);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int length = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(126);
                case 1 -> 126 + random.nextInt(70_000);
                case 2 -> 0;
                default -> random.nextInt(10);
            };
            stream.writeBytes(frame(random.nextInt(16), random.nextBoolean(), length));
            ends.add(stream.size());
        }
        byte[] all = stream.toByteArray();
        FrameBoundaries frames = new FrameBoundaries();
        int at = 0;
        int nextEnd = 0;
        while (at < all.length) {
            int cut = Math.min(all.length - at, 1 + random.nextInt(random.nextBoolean() ? 16 : 100_000));
            frames.passed(ByteBuffer.wrap(all, at, cut));
            at += cut;
            while (nextEnd < ends.size() && ends.get(nextEnd) < at) {
                nextEnd++;
            }
            boolean expected = nextEnd < ends.size() && ends.get(nextEnd) == at;
            assertEquals(expected, frames.atBoundary(), "at byte " + at);
        }
        assertTrue(frames.atBoundary());
    }

    /** Feeds {@code stream} one byte at a time, checking after each whether a frame just ended. */
    private static void assertBoundariesByteByByte(byte[] stream, List<Integer> ends) {
        FrameBoundaries frames = new FrameBoundaries();
        for (int i = 0; i < stream.length; i++) {
            frames.passed(ByteBuffer.wrap(stream, i, 1));
            assertEquals(ends.contains(i + 1), frames.atBoundary(), "after byte " + (i + 1) + " of " + stream.length);
        }
    }

    /** A frame as RFC 6455 5.2 lays it out, with the shortest length encoding and a zero payload. */
    static byte[] frame(int opcode, boolean masked, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        int mask = masked ? 0x80 : 0;
        if (length < 126) {
            out.write(mask | length);
        } else if (length <= 0xffff) {
            out.write(mask | 126);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >> shift));
            }
        }
        if (masked) {
            out.writeBytes(new byte[] {1, 2, 3, 4});
        }
        out.writeBytes(new byte[length]);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
