package io.cloudterm.websocket;

import java.nio.ByteBuffer;

/**
 * Checks UTF-8 as it arrives, a piece at a time (RFC 6455, 8.1: a text message that is not valid
 * UTF-8 fails the connection): a character may be split across pieces and frames, so the state
 * between pieces is the continuation bytes still expected and the range the next one must fall in,
 * which is what rules out overlong forms, surrogates and code points above U+10FFFF (RFC 3629, 4).
 */
final class Utf8Validator {

    private int continuationsLeft;
    private int lowest = 0x80;
    private int highest = 0xBF;

    /** Whether {@code piece}'s remaining bytes continue valid UTF-8; its position is not moved. */
    boolean accept(ByteBuffer piece) {
        for (int at = piece.position(), end = piece.limit(); at < end; at++) {
            if (!accept(piece.get(at) & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the text so far ends on a character boundary; the validator is then ready for the next text. */
    boolean complete() {
        boolean whole = continuationsLeft == 0;
        continuationsLeft = 0;
        lowest = 0x80;
        highest = 0xBF;
        return whole;
    }

    private boolean accept(int b) {
        if (continuationsLeft > 0) {
            if (b < lowest || b > highest) {
                return false;
            }
            continuationsLeft--;
            lowest = 0x80;
            highest = 0xBF;
            return true;
        }
        if (b < 0x80) {
            return true;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            continuationsLeft = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            continuationsLeft = 2;
            lowest = b == 0xE0 ? 0xA0 : 0x80;   // E0 80..9F would be overlong
            highest = b == 0xED ? 0x9F : 0xBF;  // ED A0..BF would be a surrogate
        } else if (b >= 0xF0 && b <= 0xF4) {
            continuationsLeft = 3;
            lowest = b == 0xF0 ? 0x90 : 0x80;   // F0 80..8F would be overlong
            highest = b == 0xF4 ? 0x8F : 0xBF;  // F4 90.. would be above U+10FFFF
        } else {
            return false;                       // a stray continuation byte, C0, C1, F5..FF
        }
        return true;
    }
}
