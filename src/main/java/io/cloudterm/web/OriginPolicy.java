package io.cloudterm.web;

import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a browser request may act: its {@code Origin} must be the server's own (the
 * scheme and {@code Host} it was reached at) or one the operator allowed. Helidon 4.2 does not
 * check Origin on WebSocket upgrades, and an unchecked upgrade lets any web page drive a shell with
 * the visitor's cookies (cross-site WebSocket hijacking). A request without Origin is not from a
 * browser page and passes (authentication still applies).
 */
final class OriginPolicy {

    private final Set<String> allowed;
    private final boolean anyOrigin;

    OriginPolicy(Set<String> allowed) {
        this.anyOrigin = allowed.contains("*");
        this.allowed = allowed.stream().map(OriginPolicy::normalize).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * @param secFetchSite the {@code Sec-Fetch-Site} header, or null. Browsers send {@code Origin: null}
     *                     for a same-origin HTML form POST when the page's Referrer-Policy is
     *                     no-referrer (ours is); they also send Sec-Fetch-Site, which no page can
     *                     set, so "null" passes only when that says same-origin. A sandboxed or
     *                     cross-site "null" says cross-site and is refused.
     */
    boolean permits(String origin, String host, boolean secure, String secFetchSite) {
        if (origin == null || anyOrigin) {
            return true;
        }
        if (origin.equals("null")) {
            return "same-origin".equals(secFetchSite);
        }
        String normalized = normalize(origin);
        if (host != null && normalized.equals(normalize((secure ? "https://" : "http://") + host))) {
            return true;
        }
        return allowed.contains(normalized);
    }

    /** Lower case, without a trailing slash and without the scheme's default port. */
    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        if (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        if (o.startsWith("http://") && o.endsWith(":80")) {
            o = o.substring(0, o.length() - 3);
        } else if (o.startsWith("https://") && o.endsWith(":443")) {
            o = o.substring(0, o.length() - 4);
        }
        return o;
    }
}
