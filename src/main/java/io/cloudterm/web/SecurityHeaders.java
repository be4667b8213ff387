package io.cloudterm.web;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Headers on every response: a Content-Security-Policy that allows no inline or foreign script
 * (the page's own files only; inline styles because xterm.js sets them; WebAssembly, which the
 * image addon decodes sixel images with, but never JavaScript's eval), framing only by the
 * configured ancestors (nobody by default), no MIME sniffing, no Referer leaving the page, and HSTS
 * under TLS.
 */
final class SecurityHeaders implements Filter {

    private final List<Header> headers = new ArrayList<>();

    SecurityHeaders(boolean secure, String frameAncestors) {
        headers.add(HeaderValues.create(HeaderNames.create("Content-Security-Policy"),
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                        + "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                        + "form-action 'self'; frame-ancestors " + frameAncestors));
        if (frameAncestors.equals("'none'")) {
            // For browsers without CSP frame-ancestors; it cannot express a list, so only the default.
            headers.add(HeaderValues.create(HeaderNames.create("X-Frame-Options"), "DENY"));
        }
        headers.add(HeaderValues.create(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff"));
        headers.add(HeaderValues.create(HeaderNames.create("Referrer-Policy"), "no-referrer"));
        // Revalidate every time (ETags make that cheap), so an upgraded server never runs a stale page.
        headers.add(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache"));
        if (secure) {
            headers.add(TlsSettings.STRICT_TRANSPORT_SECURITY);
        }
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        headers.forEach(response::header);
        chain.proceed();
    }
}
