package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import java.util.List;

/**
 * Any Cookie header a browser or an attacker sends, one or several of them: reading the session
 * id gives a value or nothing, and never throws, which would fail the request before the gate has
 * decided anything.
 */
class SessionCookieFuzzTest {

    /** Plain and {@code __Host-} names, at the root and under a base path. */
    private static final List<SessionCookie> COOKIES = List.of(new SessionCookie("", false), new SessionCookie("", true),
            new SessionCookie("/term", false), new SessionCookie("/term", true));

    @FuzzTest
    @DictionaryEntries({"cloudterm_session=", "__Host-cloudterm_session=", "; ", ";", "=", "\"", ",", "$Version=1",
            "$Path=/", "\\"})
    void aCookieHeaderGivesASessionIdOrNothing(byte[] input) {
        WritableHeaders<?> headers = WritableHeaders.create();
        // One Cookie header per line: HTTP/2 clients may send several.
        for (String value : fieldValues(input).split("\n", -1)) {
            headers.add(HeaderNames.COOKIE, value);
        }
        for (SessionCookie cookie : COOKIES) {
            String session;
            try {
                session = cookie.read(headers);
            } catch (RuntimeException e) {
                throw new AssertionError("reading the session cookie threw", e);
            }
            if (session != null) {
                // What a session id could be: cookie octets (RFC 6265, 4.1.1), never a separator.
                assertFalse(session.isEmpty(), "an empty session id");
                assertTrue(session.chars().allMatch(c -> c > 0x20 && c < 0x7F && c != '"' && c != ',' && c != ';' && c != '\\'),
                        "a session id no browser would send: " + session);
            }
        }
    }

    /** The bytes as HTTP field values can carry them (read as ISO-8859-1; no CR or NUL), LF between. */
    private static String fieldValues(byte[] bytes) {
        StringBuilder value = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c == '\t' || c == '\n' || (c >= 0x20 && c != 0x7F)) {
                value.append((char) c);
            }
        }
        return value.toString();
    }
}
