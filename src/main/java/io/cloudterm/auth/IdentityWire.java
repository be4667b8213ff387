package io.cloudterm.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * How a {@link GatewayIdentity} travels in its header, shared by the signer and the verifier:
 * {@code v1.<payload>.<signature>}, where payload is the base64url (no padding) of the UTF-8 text
 * {@code user \n terminal \n host \n expiry \n nonce} (expiry in epoch seconds, nonce 16 random
 * bytes in base64url), and signature is the base64url of the Ed25519 signature, with the gateway's
 * private key, of the ASCII text {@code v1.<payload>}: it covers exactly the bytes sent, version included, so there is
 * no second encoding to get wrong. No field may hold a control character, so the newlines
 * separate them unambiguously.
 */
final class IdentityWire {

    static final String VERSION = "v1";
    /** Longer headers are refused before any decoding or signature check. */
    static final int MAXIMUM_CHARS = 4096;
    /** How long an identity holds: it is made to be used at once, by the request it rides on. */
    static final Duration VALIDITY = Duration.ofSeconds(20);
    /**
     * How far the gateway's and a host's clocks may disagree. Machines that keep time with NTP
     * differ by milliseconds; 5 s lets a host whose clock runs ahead still take an identity at the
     * end of its life, and is what an identity may be late by at most.
     */
    static final Duration SKEW = Duration.ofSeconds(5);
    /** The latest expiry a host takes: the validity plus twice the skew (a gateway clock ahead). */
    static final Duration FURTHEST_AHEAD = Duration.ofSeconds(30);

    static final int SIGNATURE_BYTES = 64;
    static final int NONCE_CHARS = 22;
    private static final int FIELDS = 5;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private IdentityWire() {
    }

    /** The header value for {@code identity} signed with {@code key}. */
    static String encode(GatewayIdentity identity, PrivateKey key) {
        String text = String.join("\n", identity.user(), identity.terminal(), identity.host(),
                Long.toString(identity.expires().getEpochSecond()), identity.nonce());
        String signed = VERSION + "." + ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
        return signed + "." + ENCODER.encodeToString(signature(key, signed));
    }

    /** The Ed25519 signature of the ASCII text {@code signed}. */
    static byte[] signature(PrivateKey key, String signed) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK since 15 has Ed25519", e);
        }
    }

    /** Whether {@code signature} is {@code key}'s of the ASCII text {@code signed}. */
    static boolean verifies(PublicKey key, String signed, byte[] signature) {
        try {
            Signature check = Signature.getInstance("Ed25519");
            check.initVerify(key);
            check.update(signed.getBytes(StandardCharsets.US_ASCII));
            return check.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static String base64(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /** The bytes of base64url text, or null if it is not that. */
    static byte[] bytes(String base64) {
        try {
            return DECODER.decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether every character is one of base64url's or the dot that separates the parts. */
    static boolean isHeaderText(String header) {
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            boolean fits = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.';
            if (!fits) {
                return false;
            }
        }
        return true;
    }

    /** The identity a signed payload holds, if it is one the signer could have written. */
    static Optional<GatewayIdentity> payload(byte[] payload) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        String[] fields = text.split("\n", -1);
        if (fields.length != FIELDS || userProblem(fields[0], fields[1]).isPresent()
                || fieldProblem(fields[1]).isPresent() || fieldProblem(fields[2]).isPresent()
                || !fields[3].matches("[0-9]{1,12}") || !isNonce(fields[4])) {
            return Optional.empty();
        }
        return Optional.of(new GatewayIdentity(fields[0], fields[1], fields[2],
                Instant.ofEpochSecond(Long.parseLong(fields[3])), fields[4]));
    }

    /**
     * What is wrong with a user name for an identity asking for {@code terminal}, if anything. The
     * empty name is a visitor's (someone with a share link and no login), and only for a named
     * terminal: a visitor never gets a new one.
     */
    static Optional<String> userProblem(String user, String terminal) {
        if (user != null && user.isEmpty()) {
            return terminal == null || terminal.isEmpty() ? Optional.of("a visitor (no user) must name a terminal")
                    : Optional.empty();
        }
        if (user == null || user.isBlank()) {
            return Optional.of("the user is blank");
        }
        return fieldProblem(user).map(problem -> "the user " + problem);
    }

    /** What is wrong with a field of an identity, if anything: control characters would break the encoding. */
    static Optional<String> fieldProblem(String field) {
        if (field == null) {
            return Optional.of("is missing");
        }
        if (field.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("holds a control character");
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(field)) {
            return Optional.of("is not valid Unicode (a lone surrogate)");
        }
        return Optional.empty();
    }

    private static boolean isNonce(String nonce) {
        return nonce.length() == NONCE_CHARS && isHeaderText(nonce) && nonce.indexOf('.') < 0;
    }
}
