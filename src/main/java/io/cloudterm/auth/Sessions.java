package io.cloudterm.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions: a random id in an HttpOnly cookie, kept here only as its hash. Expire after an
 * idle time. (Accounts, absolute lifetimes and ordered expiry come with the users file.)
 */
public final class Sessions {

    private record Session(Principal principal, Instant created, Instant lastUsed) {
    }

    private final ConcurrentHashMap<String, Session> byHash = new ConcurrentHashMap<>();
    private final Duration idleTimeout;
    private final Clock clock;

    public Sessions(Duration idleTimeout, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.clock = clock;
    }

    /** Starts a session and returns its id, for the cookie only. */
    public String open(Principal principal) {
        Instant now = clock.instant();
        byHash.values().removeIf(s -> expired(s, now));
        String id = Secrets.random256();
        byHash.put(Secrets.sha256(id), new Session(principal, now, now));
        return id;
    }

    public Optional<Principal> find(String id) {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return Optional.empty();
        }
        String hash = Secrets.sha256(id);
        Instant now = clock.instant();
        Session session = byHash.computeIfPresent(hash,
                (h, s) -> expired(s, now) ? null : new Session(s.principal(), s.created(), now));
        return Optional.ofNullable(session).map(Session::principal);
    }

    public void close(String id) {
        if (id != null) {
            byHash.remove(Secrets.sha256(id));
        }
    }

    private boolean expired(Session session, Instant now) {
        return session.lastUsed().plus(idleTimeout).isBefore(now);
    }
}
