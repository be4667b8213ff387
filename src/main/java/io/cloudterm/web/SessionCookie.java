package io.cloudterm.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
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

    /**
     * The session id a request carries, or null: the first cookie of our name whose value could be
     * one. Read here as browsers write the header (RFC 6265, 5.4: {@code name=value} pairs split by
     * {@code ;}, nothing quoted across them) rather than by a general parser, which lets a stray
     * quote in another cookie, set by any site on the domain, run on over ours and hide it.
     */
    String read(Headers headers) {
        if (!headers.contains(HeaderNames.COOKIE)) {
            return null;
        }
        for (String header : headers.get(HeaderNames.COOKIE).allValues()) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).strip().equals(name)) {
                    String value = unquoted(pair.substring(equals + 1).strip());
                    if (!value.isEmpty() && value.chars().allMatch(SessionCookie::cookieOctet)) {
                        return value;
                    }
                }
            }
        }
        return null;
    }

    private static String unquoted(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }

    /** RFC 6265, 4.1.1: printable US-ASCII but for space, quote, comma, semicolon and backslash. */
    private static boolean cookieOctet(int c) {
        return c > 0x20 && c < 0x7F && c != '"' && c != ',' && c != ';' && c != '\\';
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
