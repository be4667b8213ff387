package io.cloudterm.web;

import io.cloudterm.auth.Authenticator;
import io.cloudterm.auth.Principal;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.Status;
import java.util.Optional;

/**
 * The checks a request passes before it may touch a terminal: its Origin, then who sent it. Used
 * by the WebSocket upgrade (which Helidon can only refuse silently) and by the plain HTTP route
 * behind it (which then answers the precise status), so both always agree.
 */
final class Gate {

    /** Why a request was turned away. */
    record Refusal(Status status, String reason) {
    }

    /** The outcome: a principal, or a refusal. */
    record Decision(Principal principal, Refusal refusal) {
        boolean allowed() {
            return refusal == null;
        }
    }

    private final Authenticator authenticator;
    private final OriginPolicy origins;

    Gate(Authenticator authenticator, OriginPolicy origins) {
        this.authenticator = authenticator;
        this.origins = origins;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    Decision check(Headers headers, boolean secure) {
        String origin = headers.first(HeaderNames.ORIGIN).orElse(null);
        String host = headers.first(HeaderNames.HOST).orElse(null);
        if (!origins.permits(origin, host, secure)) {
            return new Decision(null, new Refusal(Status.FORBIDDEN_403,
                    "cross-origin request refused (Origin " + origin + "); start the server with --allow-origin to permit it"));
        }
        Optional<Principal> principal = who(headers);
        return principal.map(p -> new Decision(p, null))
                .orElseGet(() -> new Decision(null, new Refusal(Status.UNAUTHORIZED_401, "authentication required")));
    }

    /** Authentication only (for pages and /token, where Origin is not sent on plain GETs). */
    Optional<Principal> who(Headers headers) {
        String authorization = headers.first(HeaderNames.AUTHORIZATION).orElse(null);
        return authenticator.authenticate(authorization, sessionCookie(headers));
    }

    static String sessionCookie(Headers headers) {
        return ServerRequestHeaders.create(headers).cookies().first(Authenticator.SESSION_COOKIE).orElse(null);
    }
}
