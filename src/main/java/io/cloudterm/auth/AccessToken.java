package io.cloudterm.auth;

/**
 * The random access token printed at start when no credentials are configured (as Jupyter does).
 * It is only ever compared by hash, in constant time; the plain text exists once, for the start-up
 * message.
 */
public final class AccessToken {

    private final String hash;

    private AccessToken(String hash) {
        this.hash = hash;
    }

    /** Creates a token; {@code onCreated} sees the plain text once (to print the login URL). */
    public static AccessToken generate(java.util.function.Consumer<String> onCreated) {
        String token = Secrets.random256();
        onCreated.accept(token);
        return new AccessToken(Secrets.sha256(token));
    }

    public boolean matches(String candidate) {
        return candidate != null && candidate.length() <= 100 && Secrets.equal(Secrets.sha256(candidate), hash);
    }
}
