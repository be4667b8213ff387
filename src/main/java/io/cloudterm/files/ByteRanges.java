package io.cloudterm.files;

import java.util.Locale;
import java.util.Optional;

/**
 * A request's {@code Range} (RFC 9110 §14.2) against a representation of {@code length} bytes.
 * One range is answered with 206 and that range. Several ranges are answered with the whole
 * representation (200), as the RFC allows: a multipart/byteranges body costs the server more than
 * the bytes it saves, and clients (browsers resuming, media players seeking, download managers)
 * ask for one range. A header that is not a valid byte range set is ignored, as the RFC says.
 */
public final class ByteRanges {

    /** What to send. */
    public sealed interface Answer {
    }

    /** The whole representation, 200. */
    public record Whole() implements Answer {
    }

    /** Bytes {@code first} to {@code last} inclusive, 206. */
    public record Part(long first, long last) implements Answer {
        public long length() {
            return last - first + 1;
        }
    }

    /** Nothing of it can be sent: 416 with {@code Content-Range: bytes *}{@code /length}. */
    public record Unsatisfiable() implements Answer {
    }

    private static final Whole WHOLE = new Whole();
    private static final Unsatisfiable UNSATISFIABLE = new Unsatisfiable();

    private ByteRanges() {
    }

    /** The answer to {@code header} (empty: no Range) for {@code length} bytes. */
    public static Answer answer(Optional<String> header, long length) {
        if (header.isEmpty()) {
            return WHOLE;
        }
        String value = header.get().trim();
        int equals = value.indexOf('=');
        if (equals < 0 || !value.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
            return WHOLE; // another unit, or no unit: not ours to understand
        }
        String set = value.substring(equals + 1);
        if (set.indexOf(',') >= 0) {
            return WHOLE;
        }
        Answer one = parse(set.trim(), length);
        return one == null ? WHOLE : one;
    }

    /** One range spec; null if malformed. */
    private static Answer parse(String range, long length) {
        int dash = range.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String from = range.substring(0, dash).trim();
        String to = range.substring(dash + 1).trim();
        if (from.isEmpty()) {
            long suffix = number(to);
            if (suffix < 0) {
                return null;
            }
            if (suffix == 0 || length == 0) {
                return UNSATISFIABLE;
            }
            return new Part(Math.max(0, length - suffix), length - 1);
        }
        long first = number(from);
        long last = to.isEmpty() ? Long.MAX_VALUE : number(to);
        if (first < 0 || last < 0 || last < first) {
            return null;
        }
        if (first >= length) {
            return UNSATISFIABLE;
        }
        return new Part(first, Math.min(last, length - 1));
    }

    /** A run of ASCII digits (any length: beyond a long it is as good as infinite); -1 if not one. */
    private static long number(String digits) {
        if (digits.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
        }
        return value;
    }
}
