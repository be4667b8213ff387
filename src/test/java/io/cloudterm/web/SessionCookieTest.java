package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;

/** The session id read from the Cookie headers a browser sends (RFC 6265, 4.2 and 5.4). */
class SessionCookieTest {

    private final SessionCookie cookie = new SessionCookie("", false);

    private String read(String... cookieHeaders) {
        WritableHeaders<?> headers = WritableHeaders.create();
        for (String value : cookieHeaders) {
            headers.add(HeaderNames.COOKIE, value);
        }
        return cookie.read(headers);
    }

    @Test
    void theSessionIsFoundAmongOtherCookiesAndHeaders() {
        assertEquals("abc-_1", read("a=1; cloudterm_session=abc-_1; b=2"));
        assertEquals("abc", read("a=1", "cloudterm_session=abc"));
        assertEquals("abc", read("cloudterm_session=\"abc\""));
        assertNull(read("a=1; cloudterm_session_x=abc"));
        assertNull(read());
    }

    @Test
    void aStrayQuoteInAnotherCookieDoesNotHideTheSession() {
        // Another site on the domain may set any cookie; one with a quote must not swallow ours.
        assertEquals("abc", read("tossed=\"x; cloudterm_session=abc; y=\""));
    }

    @Test
    void aValueThatNoSessionIdCouldBeIsNothing() {
        // Found by SessionCookieFuzzTest: the value ran on past the ';' into the next cookie.
        assertNull(read("cloudterm_session=clses\"; 123\""));
        assertNull(read("cloudterm_session=a b"));
        assertNull(read("cloudterm_session="));
    }
}
