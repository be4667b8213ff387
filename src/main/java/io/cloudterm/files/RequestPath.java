package io.cloudterm.files;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request path below a mount, as it came on the wire (still percent-encoded), cut into names
 * that can only mean a file or directory inside the mount: decoded once and strictly, and refused
 * whole when any part of it could mean something else to the file system.
 *
 * <p>Decoding happens exactly once, here: a name that still holds a {@code %} after it (a double
 * encoding such as {@code %252e}) is refused rather than served, so no later layer can decode it
 * again into a dot or a slash. UTF-8 is decoded by the JDK's strict decoder, which refuses overlong
 * forms ({@code %c0%ae} for a dot), encoded surrogates and truncated sequences.
 */
public final class RequestPath {

    /** What a raw path turned out to be. */
    public sealed interface Parsed {
    }

    /**
     * File names, outermost first (none: the mount's own directory); {@code directory}: the path
     * ended with a slash, so it names a directory.
     */
    public record Names(List<String> names, boolean directory) implements Parsed {
        public Names {
            names = List.copyOf(names);
        }
    }

    /** Not a path at all (a broken percent-escape, bytes that are not UTF-8): a 400. */
    public record Malformed(String why) implements Parsed {
    }

    /** A well-formed path that names nothing we serve (a dot segment, a hidden file, an escape): a 404. */
    public record Refused(String why) implements Parsed {
    }

    private RequestPath() {
    }

    /**
     * The names of {@code raw}, the part of a request's raw path below the mount (without its
     * leading slash); {@code dotfiles}: names starting with a dot may be served.
     */
    public static Parsed parse(String raw, boolean dotfiles) {
        if (raw.isEmpty()) {
            return new Names(List.of(), true);
        }
        boolean directory = raw.endsWith("/");
        String body = directory ? raw.substring(0, raw.length() - 1) : raw;
        List<String> names = new ArrayList<>();
        int start = 0;
        while (true) {
            int slash = body.indexOf('/', start);
            String segment = slash < 0 ? body.substring(start) : body.substring(start, slash);
            Object decoded = decode(segment);
            if (decoded instanceof Parsed refusal) {
                return refusal;
            }
            String name = (String) decoded;
            Refused refused = refusal(name, dotfiles);
            if (refused != null) {
                return refused;
            }
            names.add(name);
            if (slash < 0) {
                return new Names(names, directory);
            }
            start = slash + 1;
        }
    }

    /** Why {@code name} (decoded) cannot be a file name inside the mount; null if it can. */
    private static Refused refusal(String name, boolean dotfiles) {
        if (name.isEmpty()) {
            return new Refused("an empty name (//)");
        }
        if (name.equals(".") || name.equals("..")) {
            return new Refused("a dot segment");
        }
        if (!dotfiles && name.charAt(0) == '.') {
            return new Refused("a hidden name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                return new Refused("a slash inside a name");
            }
            if (c == '%') {
                return new Refused("a percent sign left after decoding (a double encoding)");
            }
            if (c < 0x20 || c == 0x7f) {
                return new Refused("a control character");
            }
        }
        return null;
    }

    /** The decoded name, or a {@link Parsed} refusal. */
    private static Object decode(String segment) {
        if (segment.indexOf('%') < 0) {
            for (int i = 0; i < segment.length(); i++) {
                if (!pathCharacter(segment.charAt(i))) {
                    return new Malformed("a character a URL path cannot hold unencoded");
                }
            }
            return segment;
        }
        ByteBuffer bytes = ByteBuffer.allocate(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length() || !isAsciiHex(segment.charAt(i + 1)) || !isAsciiHex(segment.charAt(i + 2))) {
                    return new Malformed("a broken percent-escape");
                }
                bytes.put((byte) (Character.digit(segment.charAt(i + 1), 16) << 4 | Character.digit(segment.charAt(i + 2), 16)));
                i += 2;
            } else if (!pathCharacter(c)) {
                return new Malformed("a character a URL path cannot hold unencoded");
            } else {
                bytes.put((byte) c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes.flip())
                    .toString();
        } catch (CharacterCodingException e) {
            return new Malformed("bytes that are not UTF-8");
        }
    }

    /** RFC 3986's pchar without the percent sign: unreserved, sub-delims, ':' and '@'. */
    private static boolean pathCharacter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
    }

    private static boolean isAsciiHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
