package io.cloudterm.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place that says who a request is from, for the configured {@link AuthMode}; that logs
 * people in and out; and that issues and checks the terminal tokens of {@code /token}.
 *
 * <p>With accounts, everything granted on a password lasts only while the account keeps that
 * password: a session remembers the credential it was opened with and is refused (and ended) once
 * {@link Accounts#credentialOf} says otherwise, an O(1) check per request; and when a change of the
 * users file is read, every session and open terminal connection of the users it removed or gave a
 * new password ends at once, through the same end actions as a logout.
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
    private final ThrottledCredential basic;
    private final AccessToken accessToken;
    private final PasswordVerifier passwords;
    private final Accounts accounts;
    private final AttemptLimiter limiter;
    /** What to run when a user's account changes, for connections that hold no session (Basic). */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.Set<Runnable>> onAccountChange =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Who else hears of changed accounts (the server, to end their terminals). */
    private final java.util.List<java.util.function.Consumer<Principal>> accountListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final BasicUsers basicUsers;
    private final Sessions sessions;
    private final TerminalTokens terminalTokens;
    private final java.util.List<AutoCloseable> resources;

    private Authenticator(Builder b) {
        this.resources = java.util.List.copyOf(b.resources);
        this.mode = b.mode;
        this.basic = b.basic == null ? null : new ThrottledCredential(b.basic, b.limiter);
        this.accessToken = b.accessToken;
        this.passwords = b.passwords;
        this.accounts = b.accounts;
        this.limiter = b.limiter;
        this.sessions = b.sessions;
        this.terminalTokens = new TerminalTokens(Duration.ofMinutes(5), b.clock);
        this.basicUsers = passwords == null ? null : new BasicUsers(passwords, accounts, limiter, b.clock, Duration.ofMinutes(5));
        if (accounts != null) {
            accounts.onChange(this::accountsChanged);
        }
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

    /**
     * Who sent a request with these credentials. A password or Basic credential is checked only
     * behind the throttle of the sender's address, and a wrong one is counted there.
     */
    public Authentication authenticate(Credentials credentials) {
        return authenticate(credentials, true);
    }

    /**
     * As {@link #authenticate}, for a WebSocket upgrade: a refused upgrade goes on as a plain HTTP
     * request, whose answer counts a wrong credential, so here nothing is counted (it would count
     * twice) and nothing slow runs (no bcrypt: a Basic password of an account is accepted here only
     * if remembered from a request that checked it). A throttled address is refused all the same,
     * before its credential is compared.
     */
    public Authentication authenticateUpgrade(Credentials credentials) {
        return authenticate(credentials, false);
    }

    private Authentication authenticate(Credentials credentials, boolean counted) {
        return switch (mode) {
            case NONE -> new Authentication.Known(Principal.ANONYMOUS, Optional.empty());
            case BASIC -> counted ? basic.check(credentials.authorization(), credentials.address())
                    : basic.checkUncounted(credentials.authorization(), credentials.address());
            case TOKEN -> fromSession(credentials.sessionCookie());
            case USERS -> {
                Authentication session = fromSession(credentials.sessionCookie());
                yield session instanceof Authentication.Known ? session
                        : basicUsers.check(credentials.authorization(), counted ? credentials.address() : null);
            }
            case CLIENT_CERTIFICATE -> credentials.certificateSubject()
                    .<Authentication>map(s -> new Authentication.Known(new Principal(s), Optional.empty()))
                    .orElse(Authentication.UNKNOWN);
        };
    }

    /** Whether this session id is live and still valid for its account; counts as a use of it. */
    public boolean sessionValid(String sessionCookie) {
        return fromSession(sessionCookie) instanceof Authentication.Known;
    }

    private Authentication fromSession(String sessionCookie) {
        Optional<Sessions.Found> found = sessions.lookup(sessionCookie);
        if (found.isEmpty()) {
            return Authentication.UNKNOWN;
        }
        Principal principal = found.get().principal();
        if (accounts != null && !current(principal, found.get().credential())) {
            // Opened on a password the account no longer has (or by a user who is gone).
            sessions.close(sessionCookie);
            return Authentication.UNKNOWN;
        }
        return new Authentication.Known(principal, Optional.of(sessionCookie));
    }

    private boolean current(Principal principal, Object credential) {
        return accounts.credentialOf(principal.name()).map(now -> now.equals(credential)).orElse(false);
    }

    /** Ends what the users whose accounts changed still hold: sessions (and so their terminals' connections), Basic connections. */
    private void accountsChanged(java.util.Set<String> users) {
        for (String user : users) {
            Principal principal = new Principal(user);
            // Read here, not in the predicate: that runs under the sessions' lock, and a lookup may reread the file.
            Object now = accounts.credentialOf(user).orElse(null);
            sessions.closeStale(principal, credential -> now != null && now.equals(credential));
            java.util.Set<Runnable> actions = onAccountChange.remove(user);
            if (actions != null) {
                actions.forEach(Runnable::run);
            }
            accountListeners.forEach(listener -> listener.accept(principal));
        }
    }

    /**
     * Runs {@code listener} for each user removed from the accounts or given a new password, after
     * their sessions and connections have ended; on the thread that noticed the change.
     */
    public void onAccountChanged(java.util.function.Consumer<Principal> listener) {
        accountListeners.add(listener);
    }

    /**
     * Exchanges the access token of {@link AuthMode#TOKEN} for a new session. The token is checked
     * first, in constant time: 256 random bits cannot be guessed, so a right one is never refused,
     * and only wrong ones count against the sender's address (see {@link LoginThrottle}).
     */
    public LoginOutcome loginWithToken(String candidate, String address) {
        return LoginCounts.counted(checkToken(candidate, address));
    }

    private LoginOutcome checkToken(String candidate, String address) {
        if (mode != AuthMode.TOKEN) {
            return new LoginOutcome.Wrong();
        }
        if (accessToken.matches(candidate)) {
            Principal principal = new Principal("token");
            return new LoginOutcome.Success(principal, sessions.open(principal));
        }
        long wait = limiter.tryAttempt(address, null);
        return wait > 0 ? new LoginOutcome.Throttled(wait) : new LoginOutcome.Wrong();
    }

    /**
     * Checks a user name and password of {@link AuthMode#USERS} and opens a new session (a new id
     * at every login: no fixation). The password array is zeroed.
     */
    public LoginOutcome loginWithPassword(String user, char[] password, String address) {
        return LoginCounts.counted(checkPassword(user, password, address));
    }

    private LoginOutcome checkPassword(String user, char[] password, String address) {
        try {
            if (mode != AuthMode.USERS || user == null || user.isEmpty() || user.length() > MAX_USER_LENGTH
                    || password.length == 0 || password.length > MAX_PASSWORD_LENGTH) {
                return new LoginOutcome.Wrong();
            }
            long wait = limiter.tryAttempt(address, user);
            if (wait > 0) {
                return new LoginOutcome.Throttled(wait);
            }
            // Read before the check: a password changed meanwhile leaves the session stale, refused at first use.
            Object credential = accounts == null ? null : accounts.credentialOf(user).orElse(null);
            return switch (passwords.verify(address, user, password)) {
                case RIGHT -> {
                    limiter.succeeded(address, user);
                    Principal principal = new Principal(user);
                    yield new LoginOutcome.Success(principal, sessions.open(principal, credential));
                }
                case WRONG -> {
                    limiter.failed(address, user);
                    yield new LoginOutcome.Wrong();
                }
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

    /**
     * Runs {@code action} once when what let {@code who} in is withdrawn: their session ends
     * (logout, expiry, account changed) or, for a Basic credential of an account, the account is
     * removed or its password changed. Returns an undo.
     */
    public Runnable onRevoke(Authentication.Known who, Runnable action) {
        if (who.sessionId().isPresent()) {
            return sessions.onEnd(who.sessionId().get(), action);
        }
        if (accounts == null) {
            return () -> { };
        }
        Runnable once = action::run; // a distinct object, so the undo removes this registration only
        onAccountChange.computeIfAbsent(who.principal().name(), user -> java.util.concurrent.ConcurrentHashMap.newKeySet())
                .add(once);
        return () -> onAccountChange.computeIfPresent(who.principal().name(), (user, actions) -> {
            actions.remove(once);
            return actions.isEmpty() ? null : actions;
        });
    }

    /** The periodic sweep: ends expired sessions and looks for a change of the accounts. */
    public void sweep() {
        sessions.expireDue();
        if (accounts != null) {
            accounts.recheck();
        }
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
        private Accounts accounts;
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

        /** For {@link AuthMode#USERS}: whose password is what now, so that grants on an old one end. */
        public Builder accounts(Accounts accounts) {
            this.accounts = accounts;
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
