package io.cloudterm.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The {@code user:password} of an {@code Authorization: Basic} header (RFC 7617), decoded as
 * UTF-8. The user is everything before the first colon; the password may hold colons.
 */
record BasicHeader(String user, String userColonPassword) {

    static Optional<BasicHeader> parse(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = pair.indexOf(':');
        return colon <= 0 ? Optional.empty() : Optional.of(new BasicHeader(pair.substring(0, colon), pair));
    }

    /** The password as a fresh array, for the caller to wipe. */
    char[] password() {
        return userColonPassword.substring(user.length() + 1).toCharArray();
    }
}
