package io.cloudterm.transfer;

import java.nio.charset.StandardCharsets;

/**
 * The name an uploaded file gets in the directory it lands in: one file name, never a path. The
 * rules are those of the file system and of the people who will read the name in a listing:
 * no slash and no {@code .} or {@code ..} (it would name another place), no NUL, no control
 * characters and no bidirectional overrides (a name that rewrites the terminal or hides its real
 * ending), not empty, and at most 255 bytes of UTF-8 (Linux's NAME_MAX).
 */
public record UploadName(String value) {

    /** Linux's NAME_MAX: longer names fail at open(2) with ENAMETOOLONG. */
    public static final int MAX_BYTES = 255;

    /** Why a name cannot be used, in words for the person uploading. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    public UploadName {
        String why = refusal(value);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
    }

    /** {@code name} as an upload's name, or why not. */
    public static UploadName of(String name) throws Refused {
        String why = refusal(name);
        if (why != null) {
            throw new Refused(why);
        }
        return new UploadName(name);
    }

    private static String refusal(String name) {
        if (name == null || name.isEmpty()) {
            return "the file name is empty";
        }
        if (name.equals(".") || name.equals("..")) {
            return "the file name cannot be . or ..";
        }
        if (name.indexOf('/') >= 0) {
            return "the file name cannot hold a slash: it is a name, not a path";
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
                return "the file name cannot hold control characters";
            }
            if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029) {
                return "the file name cannot hold bidirectional overrides or line separators";
            }
            i += Character.charCount(cp);
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "the file name is longer than " + MAX_BYTES + " bytes";
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}
