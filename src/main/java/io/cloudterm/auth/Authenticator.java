package io.cloudterm.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place that says who a request is from, for the configured {@link AuthMode}; that logs
 * people in and out; and that issues and checks the terminal tokens of {@code /token}.
 */
public final class Authenticator implements AutoCloseable {

    public static final String SESSION_COOKIE = "cloudterm_session";
    /** A longer name or password is refused before any work is done on it. */
    public static final int MAX_USER_LENGTH = 64;
    public static final int MAX_PASSWORD_LENGTH = 256;

    /** The outcome of a login attempt. */
    public sealed interface LoginOutcome {
        record Success(Principal principal, String sessionId) implements LoginOutcome {
        }

        record Wrong() implements LoginOutcome {
        }

        record Throttled(long retryAfterSeconds) implements LoginOutcome {
        }

        record Busy() implements LoginOutcome {
        }
    }

    private final AuthMode mode;
    private final BasicCredential basic;
    private final AccessToken accessToken;
    private final PasswordVerifier passwords;
    private final AttemptLimiter limiter;
    private final BasicUsers basicUsers;
    private final Sessions sessions;
    private final TerminalTokens terminalTokens;
    private final java.util.List<AutoCloseable> resources;

    private Authenticator(Builder b) {
        this.resources = java.util.List.copyOf(b.resources);
        this.mode = b.mode;
        this.basic = b.basic;
        this.accessToken = b.accessToken;
        this.passwords = b.passwords;
        this.limiter = b.limiter;
        this.sessions = b.sessions;
        this.terminalTokens = new TerminalTokens(Duration.ofMinutes(5), b.clock);
        this.basicUsers = passwords == null ? null : new BasicUsers(passwords, limiter, b.clock, Duration.ofMinutes(5));
    }

    public static Builder builder(AuthMode mode) {
        return new Builder(mode);
    }

    public AuthMode mode() {
        return mode;
    }

    /** The session store, for the server's expiry sweep and tests. */
    public Sessions sessions() {
        return sessions;
    }

    /** Who sent a request with these credentials. */
    public Authentication authenticate(Credentials credentials) {
        return switch (mode) {
            case NONE -> new Authentication.Known(Principal.ANONYMOUS, Optional.empty());
            case BASIC -> basic.check(credentials.authorization())
                    .<Authentication>map(p -> new Authentication.Known(p, Optional.empty()))
                    .orElse(Authentication.UNKNOWN);
            case TOKEN -> fromSession(credentials.sessionCookie());
            case USERS -> {
                Authentication session = fromSession(credentials.sessionCookie());
                yield session instanceof Authentication.Known ? session
                        : basicUsers.check(credentials.authorization(), credentials.address());
            }
            case CLIENT_CERTIFICATE -> credentials.certificateSubject()
                    .<Authentication>map(s -> new Authentication.Known(new Principal(s), Optional.empty()))
                    .orElse(Authentication.UNKNOWN);
        };
    }

    private Authentication fromSession(String sessionCookie) {
        return sessions.find(sessionCookie)
                .<Authentication>map(p -> new Authentication.Known(p, Optional.of(sessionCookie)))
                .orElse(Authentication.UNKNOWN);
    }

    /** Exchanges the access token of {@link AuthMode#TOKEN} for a new session. */
    public LoginOutcome loginWithToken(String candidate, String address) {
        if (mode != AuthMode.TOKEN) {
            return new LoginOutcome.Wrong();
        }
        long wait = limiter.tryAttempt(address, "");
        if (wait > 0) {
            return new LoginOutcome.Throttled(wait);
        }
        if (!accessToken.matches(candidate)) {
            return new LoginOutcome.Wrong();
        }
        Principal principal = new Principal("token");
        return new LoginOutcome.Success(principal, sessions.open(principal));
    }

    /**
     * Checks a user name and password of {@link AuthMode#USERS} and opens a new session (a new id
     * at every login: no fixation). The password array is zeroed.
     */
    public LoginOutcome loginWithPassword(String user, char[] password, String address) {
        try {
            if (mode != AuthMode.USERS || user == null || user.isEmpty() || user.length() > MAX_USER_LENGTH
                    || password.length == 0 || password.length > MAX_PASSWORD_LENGTH) {
                return new LoginOutcome.Wrong();
            }
            long wait = limiter.tryAttempt(address, user);
            if (wait > 0) {
                return new LoginOutcome.Throttled(wait);
            }
            return switch (passwords.verify(user, password)) {
                case RIGHT -> {
                    Principal principal = new Principal(user);
                    yield new LoginOutcome.Success(principal, sessions.open(principal));
                }
                case WRONG -> new LoginOutcome.Wrong();
                case BUSY -> new LoginOutcome.Busy();
            };
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Ends a session; its terminals are told through {@link #onSessionEnd}. */
    public void logout(String sessionId) {
        if (sessionId != null) {
            sessions.close(sessionId);
        }
    }

    /** Runs {@code action} once when the session ends (logout or expiry); returns an undo. */
    public Runnable onSessionEnd(String sessionId, Runnable action) {
        return sessions.onEnd(sessionId, action);
    }

    /** A token for JSON_DATA's AuthToken; empty when nobody is asked. */
    public String terminalToken(Principal principal) {
        return mode == AuthMode.NONE ? "" : terminalTokens.issue(principal);
    }

    public boolean terminalTokenValid(String token, Principal principal) {
        return mode == AuthMode.NONE || terminalTokens.valid(token, principal);
    }

    /** Stops what the authenticator runs (the password-check threads). */
    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // closing a thread pool does not fail in a way worth more than this
            }
        }
    }

    /** Assembles an authenticator; what each mode needs is checked at {@link #build()}. */
    public static final class Builder {
        private final AuthMode mode;
        private BasicCredential basic;
        private AccessToken accessToken;
        private PasswordVerifier passwords;
        private AttemptLimiter limiter = AttemptLimiter.UNLIMITED;
        private Sessions sessions;
        private Clock clock = Clock.systemUTC();
        private final java.util.List<AutoCloseable> resources = new java.util.ArrayList<>();

        private Builder(AuthMode mode) {
            this.mode = Objects.requireNonNull(mode);
        }

        /** user:password for {@link AuthMode#BASIC}. */
        public Builder credential(String userColonPassword) {
            this.basic = BasicCredential.parse(userColonPassword);
            return this;
        }

        /** For {@link AuthMode#TOKEN}. */
        public Builder accessToken(AccessToken token) {
            this.accessToken = token;
            return this;
        }

        /** For {@link AuthMode#USERS}. */
        public Builder passwords(PasswordVerifier verifier) {
            this.passwords = verifier;
            return this;
        }

        public Builder limiter(AttemptLimiter limiter) {
            this.limiter = limiter;
            return this;
        }

        public Builder sessions(Sessions sessions) {
            this.sessions = sessions;
            return this;
        }

        /** Something to close with the authenticator. */
        public Builder closing(AutoCloseable resource) {
            resources.add(resource);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Authenticator build() {
            switch (mode) {
                case BASIC -> Objects.requireNonNull(basic, "Basic authentication needs a credential");
                case TOKEN -> Objects.requireNonNull(accessToken, "token authentication needs an access token");
                case USERS -> Objects.requireNonNull(passwords, "user accounts need a password verifier");
                default -> {
                }
            }
            Objects.requireNonNull(sessions, "sessions");
            return new Authenticator(this);
        }
    }
}
