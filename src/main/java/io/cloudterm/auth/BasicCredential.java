package io.cloudterm.auth;

import java.util.Optional;

/** The single user:password of --credential, checked against HTTP Basic Authorization headers. */
public final class BasicCredential {

    private final String user;
    /** Only the hash is kept, so the password itself does not stay in memory. */
    private final String expectedHash;

    private BasicCredential(String user, String expectedHash) {
        this.user = user;
        this.expectedHash = expectedHash;
    }

    /** Parses {@code user:password}; the password may contain colons, the user may not. */
    public static BasicCredential parse(String userColonPassword) {
        int colon = userColonPassword.indexOf(':');
        if (colon <= 0 || colon == userColonPassword.length() - 1) {
            throw new IllegalArgumentException("--credential must look like user:password");
        }
        return new BasicCredential(userColonPassword.substring(0, colon), Secrets.sha256(userColonPassword));
    }

    public String user() {
        return user;
    }

    /** The principal if {@code authorization} is a Basic header with the right user and password. */
    public Optional<Principal> check(String authorization) {
        return BasicHeader.parse(authorization)
                .filter(header -> Secrets.equal(Secrets.sha256(header.userColonPassword()), expectedHash))
                .map(header -> new Principal(user));
    }
}
