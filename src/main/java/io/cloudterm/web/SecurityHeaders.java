package io.cloudterm.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Header;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Headers on every response: a Content-Security-Policy that allows no inline or foreign script
 * (the page's own files only; inline styles because xterm.js sets them), no framing by other
 * sites, no MIME sniffing, no Referer leaving the page.
 */
final class SecurityHeaders implements Filter {

    private static final Header CSP = HeaderValues.create(HeaderNames.create("Content-Security-Policy"),
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                    + "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                    + "form-action 'self'; frame-ancestors 'none'");
    private static final Header NO_SNIFF = HeaderValues.create(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
    private static final Header NO_REFERRER = HeaderValues.create(HeaderNames.create("Referrer-Policy"), "no-referrer");
    /** Revalidate every time (ETags make that cheap), so an upgraded server never runs a stale page. */
    private static final Header REVALIDATE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache");
    private static final Header NO_FRAMES = HeaderValues.create(HeaderNames.create("X-Frame-Options"), "DENY");

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        response.header(CSP);
        response.header(NO_SNIFF);
        response.header(NO_REFERRER);
        response.header(NO_FRAMES);
        response.header(REVALIDATE);
        chain.proceed();
    }
}
