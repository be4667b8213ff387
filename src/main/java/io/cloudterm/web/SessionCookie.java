package io.cloudterm.web;

import io.helidon.http.Headers;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.SetCookie;
import java.time.Duration;

/**
 * The browser session's cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's
 * request carries it), Path = the base path, and under TLS Secure with the {@code __Host-} prefix
 * where the path allows it (the prefix requires Path=/), which also stops a sibling subdomain from
 * planting one.
 */
final class SessionCookie {

    private static final String NAME = "cloudterm_session";

    private final String name;
    private final String path;
    private final boolean secure;

    SessionCookie(String basePath, boolean secure) {
        this.path = basePath.isEmpty() ? "/" : basePath + "/";
        this.secure = secure;
        this.name = secure && basePath.isEmpty() ? "__Host-" + NAME : NAME;
    }

    String name() {
        return name;
    }

    /** The session id a request carries, or null. */
    String read(Headers headers) {
        return ServerRequestHeaders.create(headers).cookies().first(name).orElse(null);
    }

    SetCookie create(String sessionId) {
        return base(sessionId).build();
    }

    SetCookie clear() {
        return base("").maxAge(Duration.ZERO).build();
    }

    private SetCookie.Builder base(String value) {
        return SetCookie.builder(name, value)
                .httpOnly(true)
                .sameSite(SetCookie.SameSite.STRICT)
                .path(path)
                .secure(secure);
    }
}
