package io.cloudterm.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.mindrot.jbcrypt.BCrypt;

/**
 * bcrypt for the users file: hashing a new password, checking one against a hash. The policy lives
 * here (the 72-byte rule, the variants, the NUL); the mechanism is jBCrypt's {@code crypt_raw}.
 *
 * <p>{@code $2a$}, {@code $2b$} and {@code $2y$} name one algorithm: {@code 2b} marks OpenBSD's fix
 * of a key length that wrapped past 255 bytes, {@code 2y} marks crypt_blowfish's output as free of
 * the {@code 2x} sign-extension bug on 8-bit characters. For keys of at most 72 bytes, the only ones
 * we accept, all three hash the UTF-8 bytes plus a closing NUL: what jBCrypt does for {@code $2a$},
 * the only prefix its {@code hashpw} takes. So every variant is checked as {@code $2a$}. We call
 * {@code crypt_raw} rather than {@code hashpw}/{@code checkpw} because it takes bytes, which we can
 * wipe, where {@code hashpw} would copy the password into a String that stays until collected.
 * (jBCrypt 0.4's {@code checkpw} does compare in constant time; we compare the digest bytes with
 * {@link java.security.MessageDigest#isEqual}, which does too.)
 */
public final class PasswordHashes {

    /**
     * bcrypt keys only the first 72 bytes. Longer passwords are refused, by {@code passwd} and at
     * login, instead of being cut: a cut password would let in anything typed after its byte 72.
     */
    public static final int MAX_PASSWORD_BYTES = 72;

    /**
     * Measured with LoginTimingBench (bench/src/jmh) on a 2-core Intel Xeon (JDK 25,
     * jBCrypt 0.4; medians, with other builds loading it to 5-6): a check takes 61 ms at cost 10,
     * 126 ms at 11, 248 ms at 12 and 522 ms at 13 (at 12 it was 288-375 ms in busier runs). Cost 11
     * stays inside the 100-250 ms band even on a busy machine, which a terminal server's is; 12 leaves
     * it, and would halve the logins the check pool (a thread per core) answers: ~15 a second here.
     */
    public static final int DEFAULT_COST = 11;

    /** bcrypt encrypts this text 64 times with the expensive key; its words are jBCrypt's {@code bf_crypt_ciphertext}. */
    private static final int[] MAGIC = magicWords();

    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHashes() {
    }

    /**
     * A new {@code $2y$} hash of {@code password} with a random salt. Throws an
     * {@link IllegalArgumentException} that says, in words for the user, why a password or cost is
     * refused. The caller still owns, and should wipe, {@code password}.
     */
    public static String hash(char[] password, int cost) {
        if (cost < BcryptHash.MIN_COST || cost > BcryptHash.MAX_COST) {
            throw new IllegalArgumentException("the bcrypt cost must be from " + BcryptHash.MIN_COST + " to "
                    + BcryptHash.MAX_COST + ", not " + cost);
        }
        for (char c : password) {
            if (c == '\0') {
                // C implementations (htpasswd, Apache, nginx) would end the password there.
                throw new IllegalArgumentException("the password contains a NUL character");
            }
        }
        byte[] key = key(password);
        byte[] raw = null;
        try {
            byte[] salt = new byte[BcryptHash.SALT_BYTES];
            RANDOM.nextBytes(salt);
            raw = cryptRaw(key, salt, cost);
            return new BcryptHash(cost, salt, Arrays.copyOf(raw, BcryptHash.DIGEST_BYTES)).format();
        } finally {
            wipe(key);
            wipe(raw);
        }
    }

    /** Whether {@code password} matches {@code hash}; false for a malformed hash or a refused password. */
    public static boolean matches(char[] password, String hash) {
        var parsed = BcryptHash.parse(hash);
        if (parsed.isEmpty()) {
            return false;
        }
        byte[] key;
        try {
            key = key(password);
        } catch (IllegalArgumentException refused) {
            return false;
        }
        try {
            return matches(key, parsed.get());
        } finally {
            wipe(key);
        }
    }

    /**
     * The password as bcrypt's key: its UTF-8 bytes and a closing NUL. Throws an
     * {@link IllegalArgumentException} if it is empty, not valid UTF-16 or over
     * {@value #MAX_PASSWORD_BYTES} bytes. The caller wipes both arrays.
     */
    static byte[] key(char[] password) {
        if (password.length == 0) {
            throw new IllegalArgumentException("the password is empty");
        }
        if (password.length > MAX_PASSWORD_BYTES) { // a char is at least one byte: too long already
            throw tooLong();
        }
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder(); // reports unpaired surrogates
        ByteBuffer bytes = ByteBuffer.allocate(password.length * 3 + 1);
        try {
            CoderResult result = utf8.encode(CharBuffer.wrap(password), bytes, true);
            if (result.isError() || utf8.flush(bytes).isError()) {
                throw new IllegalArgumentException("the password is not valid Unicode text");
            }
            if (bytes.position() > MAX_PASSWORD_BYTES) {
                throw tooLong();
            }
            return Arrays.copyOf(bytes.array(), bytes.position() + 1); // + the NUL
        } finally {
            wipe(bytes.array());
        }
    }

    /** Whether the key ({@link #key}) hashes to {@code hash}; takes bcrypt's full time either way. */
    static boolean matches(byte[] key, BcryptHash hash) {
        byte[] raw = cryptRaw(key, hash.salt(), hash.cost());
        byte[] digest = Arrays.copyOf(raw, BcryptHash.DIGEST_BYTES);
        try {
            return hash.digestEquals(digest);
        } finally {
            wipe(raw);
            wipe(digest);
        }
    }

    static void wipe(byte[] bytes) {
        if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static byte[] cryptRaw(byte[] key, byte[] salt, int cost) {
        return new BCrypt().crypt_raw(key, salt, cost, MAGIC.clone());
    }

    private static IllegalArgumentException tooLong() {
        return new IllegalArgumentException("the password is over " + MAX_PASSWORD_BYTES
                + " bytes in UTF-8; bcrypt would ignore the rest, so longer passwords are refused");
    }

    private static int[] magicWords() {
        var words = ByteBuffer.wrap("OrpheanBeholderScryDoubt".getBytes(StandardCharsets.US_ASCII)).asIntBuffer();
        int[] out = new int[words.remaining()];
        words.get(out);
        return out;
    }
}
