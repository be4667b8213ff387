package io.cloudterm.auth;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One bcrypt hash as a users file holds it, {@code $2y$11$} + 22 characters of salt + 31 of digest,
 * parsed once when the file is read, so a login only compares bytes.
 */
public final class BcryptHash {

    /** Below 4 bcrypt itself refuses; above 17 (htpasswd's own limit) one login would hold a core for many seconds. */
    public static final int MIN_COST = 4;
    public static final int MAX_COST = 17;

    static final int SALT_BYTES = 16;
    static final int DIGEST_BYTES = 23;

    private static final Pattern FORMAT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})");
    private static final String ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /** Salt and digest of a hash of a random password that was then thrown away: no password matches it. */
    private static final String UNMATCHABLE = "apPvB56.hy1RTy4YJnGkZeccm1RQpgBTsXXsdd3x4sZs0R2miOSR6";

    private final int cost;
    private final byte[] salt;
    private final byte[] digest;

    BcryptHash(int cost, byte[] salt, byte[] digest) {
        this.cost = cost;
        this.salt = salt.clone();
        this.digest = digest.clone();
    }

    /**
     * The hash in {@code text}, if it is one: {@code $2a$}, {@code $2b$} or {@code $2y$} (one algorithm
     * for passwords up to 72 bytes, the only ones we check) with a cost from {@value #MIN_COST} to
     * {@value #MAX_COST}.
     */
    public static Optional<BcryptHash> parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        int cost = Integer.parseInt(m.group(1));
        if (cost < MIN_COST || cost > MAX_COST) {
            return Optional.empty();
        }
        return Optional.of(new BcryptHash(cost, decode(m.group(2), SALT_BYTES), decode(m.group(3), DIGEST_BYTES)));
    }

    /** A hash of this cost that no password matches, to spend on unknown user names the time of a wrong password. */
    static BcryptHash unmatchable(int cost) {
        return parse("$2a$%02d$%s".formatted(cost, UNMATCHABLE)).orElseThrow();
    }

    public int cost() {
        return cost;
    }

    byte[] salt() {
        return salt.clone();
    }

    /** Whether {@code candidate} is this digest, in a time that does not depend on where they differ. */
    boolean digestEquals(byte[] candidate) {
        return java.security.MessageDigest.isEqual(digest, candidate);
    }

    /** The {@code $2y$} form, which htpasswd writes and Apache, nginx and libxcrypt all read. */
    String format() {
        return "$2y$%02d$%s%s".formatted(cost, encode(salt), encode(digest));
    }

    /** The same cost, salt and digest: the same password hash (a changed password never is). */
    @Override
    public boolean equals(Object other) {
        return other instanceof BcryptHash that && cost == that.cost && java.util.Arrays.equals(salt, that.salt)
                && java.util.Arrays.equals(digest, that.digest);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(digest);
    }

    /** Never the salt or digest, so a hash cannot end up in a log by accident. */
    @Override
    public String toString() {
        return "bcrypt hash of cost " + cost;
    }

    // bcrypt's base64: its own alphabet, no padding; the last character may carry unused bits.

    static String encode(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 4 + 2) / 3);
        for (int i = 0; i < bytes.length; i += 3) {
            int b0 = bytes[i] & 0xff;
            int b1 = i + 1 < bytes.length ? bytes[i + 1] & 0xff : 0;
            int b2 = i + 2 < bytes.length ? bytes[i + 2] & 0xff : 0;
            out.append(ALPHABET.charAt(b0 >> 2)).append(ALPHABET.charAt((b0 & 0x03) << 4 | b1 >> 4));
            if (i + 1 < bytes.length) {
                out.append(ALPHABET.charAt((b1 & 0x0f) << 2 | b2 >> 6));
            }
            if (i + 2 < bytes.length) {
                out.append(ALPHABET.charAt(b2 & 0x3f));
            }
        }
        return out.toString();
    }

    static byte[] decode(String text, int length) {
        byte[] out = new byte[length];
        int bits = 0;
        int held = 0;
        int n = 0;
        for (int i = 0; i < text.length() && n < length; i++) {
            bits = bits << 6 | ALPHABET.indexOf(text.charAt(i));
            held += 6;
            if (held >= 8) {
                held -= 8;
                out[n++] = (byte) (bits >> held);
                bits &= (1 << held) - 1;
            }
        }
        if (n < length) {
            throw new IllegalArgumentException("too short for " + length + " bytes: " + text.length() + " characters");
        }
        return out;
    }
}
