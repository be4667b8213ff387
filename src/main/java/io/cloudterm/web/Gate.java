package io.cloudterm.web;

import io.cloudterm.auth.Authentication;
import io.cloudterm.auth.Authenticator;
import io.cloudterm.auth.Credentials;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.util.Optional;

/**
 * The checks a request passes before it may touch a terminal: its Host, its Origin, then who sent it. Used
 * by the WebSocket upgrade (which Helidon can only refuse silently) and by the plain HTTP route
 * behind it (which then answers the precise status), so both always agree.
 */
final class Gate {

    /** Why a request was turned away; {@code retryAfterSeconds} is 0 when retrying will not help. */
    record Refusal(Status status, String reason, long retryAfterSeconds) {
    }

    /** The outcome: who, or a refusal. */
    record Decision(Authentication.Known who, Refusal refusal) {
        boolean allowed() {
            return refusal == null;
        }
    }

    private static final io.helidon.http.HeaderName SEC_FETCH_SITE = HeaderNames.create("Sec-Fetch-Site");

    private final Authenticator authenticator;
    private final OriginPolicy origins;
    private final HostPolicy hosts;
    private final SessionCookie cookie;
    private final boolean secure;

    Gate(Authenticator authenticator, HostPolicy hosts, OriginPolicy origins, SessionCookie cookie, boolean secure) {
        this.authenticator = authenticator;
        this.hosts = hosts;
        this.origins = origins;
        this.cookie = cookie;
        this.secure = secure;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    SessionCookie cookie() {
        return cookie;
    }

    /** Origin, then authentication: for WebSocket upgrades and state-changing requests. */
    Decision check(Headers headers, String address, Optional<String> certificateSubject) {
        Refusal foreign = originRefusal(headers);
        return foreign != null ? new Decision(null, foreign) : who(headers, address, certificateSubject);
    }

    /**
     * As {@link #check}, for a WebSocket upgrade: a refused one is routed on as a plain HTTP request,
     * whose answer counts a wrong credential, so this counts nothing (see
     * {@link Authenticator#authenticateUpgrade}); a throttled address is refused all the same.
     */
    Decision checkUpgrade(Headers headers, String address, Optional<String> certificateSubject) {
        Refusal foreign = originRefusal(headers);
        return foreign != null ? new Decision(null, foreign)
                : decision(authenticator.authenticateUpgrade(credentials(headers, address, certificateSubject)));
    }

    /** Authentication only (for plain GETs, where browsers send no Origin). */
    Decision who(Headers headers, String address, Optional<String> certificateSubject) {
        return decision(authenticator.authenticate(credentials(headers, address, certificateSubject)));
    }

    private Credentials credentials(Headers headers, String address, Optional<String> certificateSubject) {
        return new Credentials(headers.first(HeaderNames.AUTHORIZATION).orElse(null), cookie.read(headers),
                certificateSubject, address);
    }

    private static Decision decision(Authentication authentication) {
        return switch (authentication) {
            case Authentication.Known known -> new Decision(known, null);
            case Authentication.Unknown unknown -> new Decision(null, new Refusal(Status.UNAUTHORIZED_401, "authentication required", 0));
            case Authentication.Throttled throttled -> new Decision(null, new Refusal(Status.TOO_MANY_REQUESTS_429,
                    "too many login attempts; retry in " + throttled.retryAfterSeconds() + " s", throttled.retryAfterSeconds()));
            case Authentication.Busy busy -> new Decision(null, new Refusal(Status.SERVICE_UNAVAILABLE_503,
                    "the server is busy checking passwords; retry in a moment", 1));
        };
    }

    /**
     * A refusal if the request is not for this server (its Host; see {@link HostPolicy}) or comes
     * from a page of another site, else null. The Host is checked first because the Origin is
     * compared with it: only a Host of ours makes "same origin" mean this server.
     */
    Refusal originRefusal(Headers headers) {
        // Every caller handles an upgrade or a form POST, which HTTP/1.0 does not have: Host is required.
        Refusal misdirected = hosts.refusal(headers, true);
        if (misdirected != null) {
            return misdirected;
        }
        String origin = headers.first(HeaderNames.ORIGIN).orElse(null);
        String host = headers.first(HeaderNames.HOST).orElse(null);
        String fetchSite = headers.first(SEC_FETCH_SITE).orElse(null);
        if (origins.permits(origin, host, secure, fetchSite)) {
            return null;
        }
        return new Refusal(Status.FORBIDDEN_403,
                "cross-origin request refused (Origin " + origin + "); start the server with --allow-origin to permit it", 0);
    }
}
