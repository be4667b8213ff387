package io.cloudterm.recording;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a UTF-8 byte stream that arrives in pieces. A character split between two pieces is
 * carried over (at most three bytes) and comes out whole with the next piece; bytes that are not
 * UTF-8 come out as U+FFFD, as terminals and asciicast players show them, never silently dropped.
 * Memory is fixed whatever the piece size: pieces pass through a small staging buffer.
 * Not thread-safe: its owner holds a lock.
 */
final class Utf8Carry {

    private static final int STAGING_BYTES = 8192;

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** In write mode between calls; what it holds is the carried incomplete sequence. */
    private final ByteBuffer staging = ByteBuffer.allocate(STAGING_BYTES);
    /** UTF-8 never yields more chars than bytes, so one staging buffer's worth always fits. */
    private final CharBuffer chars = CharBuffer.allocate(STAGING_BYTES);

    /** Decodes the remaining bytes of {@code bytes} without moving its position. */
    String decode(ByteBuffer bytes) {
        ByteBuffer source = bytes.duplicate();
        StringBuilder text = new StringBuilder(source.remaining());
        while (source.hasRemaining()) {
            int n = Math.min(source.remaining(), staging.remaining());
            staging.put(source.slice(source.position(), n));
            source.position(source.position() + n);
            staging.flip();
            drain(false, text);
            staging.compact(); // keeps an incomplete trailing sequence at the start
        }
        return text.toString();
    }

    /** Whether an incomplete sequence is being carried to the next piece. */
    boolean carrying() {
        return staging.position() > 0;
    }

    /** Ends the stream: a carried incomplete sequence comes out as U+FFFD. Ready for a new stream. */
    String finish() {
        StringBuilder text = new StringBuilder();
        staging.flip();
        drain(true, text);
        CoderResult result;
        do {
            result = decoder.flush(chars);
            text.append(chars.flip());
            chars.clear();
        } while (result.isOverflow());
        staging.clear();
        decoder.reset();
        return text.toString();
    }

    private void drain(boolean endOfInput, StringBuilder text) {
        CoderResult result;
        do {
            // With REPLACE the decoder reports only underflow (wants more input) or overflow.
            result = decoder.decode(staging, chars, endOfInput);
            text.append(chars.flip());
            chars.clear();
        } while (result.isOverflow());
    }
}
