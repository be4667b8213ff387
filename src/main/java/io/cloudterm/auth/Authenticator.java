package io.cloudterm.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one place that says who a request is from, for the configured {@link AuthMode}, and that
 * issues and checks the terminal tokens of {@code /token}.
 */
public final class Authenticator {

    public static final String SESSION_COOKIE = "cloudterm_session";

    private final AuthMode mode;
    private final BasicCredential basic;
    private final AccessToken accessToken;
    private final Sessions sessions;
    private final TerminalTokens terminalTokens;

    private Authenticator(AuthMode mode, BasicCredential basic, AccessToken accessToken, Clock clock) {
        this.mode = mode;
        this.basic = basic;
        this.accessToken = accessToken;
        this.sessions = new Sessions();
        this.terminalTokens = new TerminalTokens(Duration.ofMinutes(5), clock);
    }

    /**
     * @param credential       user:password, for {@link AuthMode#BASIC}
     * @param accessTokenShown receives the generated access token once, for {@link AuthMode#TOKEN}
     */
    public static Authenticator create(AuthMode mode, Optional<String> credential, Consumer<String> accessTokenShown) {
        return switch (mode) {
            case BASIC -> new Authenticator(mode, BasicCredential.parse(credential.orElseThrow()), null, Clock.systemUTC());
            case TOKEN -> new Authenticator(mode, null, AccessToken.generate(accessTokenShown), Clock.systemUTC());
            case NONE -> new Authenticator(mode, null, null, Clock.systemUTC());
        };
    }

    public AuthMode mode() {
        return mode;
    }

    /** Who sent a request with these headers (null when absent), if anyone we know. */
    public Optional<Principal> authenticate(String authorization, String sessionCookie) {
        return switch (mode) {
            case BASIC -> basic.check(authorization);
            case TOKEN -> sessions.find(sessionCookie);
            case NONE -> Optional.of(Principal.ANONYMOUS);
        };
    }

    /** Exchanges the access token for a new session id (for the cookie), if the token is right. */
    public Optional<String> login(String candidateAccessToken) {
        if (mode != AuthMode.TOKEN || !accessToken.matches(candidateAccessToken)) {
            return Optional.empty();
        }
        return Optional.of(sessions.open(new Principal("token")));
    }

    public void logout(String sessionCookie) {
        sessions.close(sessionCookie);
    }

    /** A token for JSON_DATA's AuthToken; empty when nobody is asked. */
    public String terminalToken(Principal principal) {
        return mode == AuthMode.NONE ? "" : terminalTokens.issue(principal);
    }

    public boolean terminalTokenValid(String token, Principal principal) {
        return mode == AuthMode.NONE || terminalTokens.valid(token, principal);
    }
}
