package io.cloudterm.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokens {@code /token} hands out and JSON_DATA's AuthToken must carry: random, bound to the
 * principal that fetched them, valid for a few minutes. Never a password or anything derived from
 * one (ttyd's token is the base64 of user:password). A page on another site cannot read them, so a
 * WebSocket it opens with the user's cookies still lacks the token.
 */
public final class TerminalTokens {

    private record Grant(Principal principal, Instant expires) {
    }

    private final ConcurrentHashMap<String, Grant> byHash = new ConcurrentHashMap<>();
    private final Duration lifetime;
    private final Clock clock;

    public TerminalTokens(Duration lifetime, Clock clock) {
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public String issue(Principal principal) {
        Instant now = clock.instant();
        byHash.values().removeIf(g -> g.expires().isBefore(now));
        String token = Secrets.random256();
        byHash.put(Secrets.sha256(token), new Grant(principal, now.plus(lifetime)));
        return token;
    }

    /** Whether {@code token} was issued to {@code principal} and has not expired. */
    public boolean valid(String token, Principal principal) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return false;
        }
        Grant grant = byHash.get(Secrets.sha256(token));
        return grant != null && !grant.expires().isBefore(clock.instant())
                && Secrets.equal(grant.principal().name(), principal.name());
    }
}
