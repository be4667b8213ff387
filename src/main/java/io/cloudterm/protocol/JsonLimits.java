package io.cloudterm.protocol;

/**
 * The shape a client's JSON may have, checked on the text before any parser sees it: a parser's
 * cost grows with nesting (its stack) and with a number's digits (its big-decimal arithmetic), and
 * the messages of this protocol are flat objects of short strings and small numbers. Also refuses
 * text after the object, which a reader that stops at the end of the first value would not notice.
 */
final class JsonLimits {

    /** Deeper than any message of the protocol, with room for clients that send a little more. */
    static final int MAX_DEPTH = 8;
    /** A double's digits, sign, point and exponent fit well within this. */
    static final int MAX_NUMBER_LENGTH = 32;

    private JsonLimits() {
    }

    /** Throws 4001 with the reason if {@code json} nests too deep, holds too long a number, or goes on after its value. */
    static void check(CharSequence json) throws ProtocolException {
        int depth = 0;
        int numberLength = 0;
        boolean inString = false;
        boolean escaped = false;
        boolean valueEnded = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (isNumberChar(c)) {
                if (++numberLength > MAX_NUMBER_LENGTH) {
                    throw new ProtocolException(CloseCodes.BAD_JSON, "a number longer than " + MAX_NUMBER_LENGTH + " characters");
                }
            } else {
                numberLength = 0;
            }
            if (valueEnded && !Character.isWhitespace(c)) {
                throw new ProtocolException(CloseCodes.BAD_JSON, "text after the JSON object");
            }
            switch (c) {
                case '"' -> inString = true;
                case '{', '[' -> {
                    if (++depth > MAX_DEPTH) {
                        throw new ProtocolException(CloseCodes.BAD_JSON, "JSON nested deeper than " + MAX_DEPTH + " levels");
                    }
                }
                case '}', ']' -> valueEnded = --depth <= 0;
                default -> { }
            }
        }
    }

    private static boolean isNumberChar(char c) {
        return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    }
}
