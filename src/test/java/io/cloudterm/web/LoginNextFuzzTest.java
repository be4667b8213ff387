package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The login form's {@code next} field, as a browser posts it back (base64url of a path): whatever
 * it holds, the page to land on after login is the terminal page or a path under the base path of
 * this server, one the {@code Location} header can carry — never another host, never a scheme,
 * never an exception.
 */
class LoginNextFuzzTest {

    private static final LoginPage AT_ROOT = new LoginPage("");
    private static final LoginPage UNDER_A_PATH = new LoginPage("/term");

    @FuzzTest
    @DictionaryEntries({"/", "//", "/term/", "\\", "http:", "https://", "javascript:", "%2f", "%", "..", "/./", "?", "#",
            "@", ":", " "})
    void nextLandsUnderTheBasePathOrOnTheTerminalPage(byte[] input) {
        // The form field normally holds base64url of a path; an attacker may post anything instead.
        String raw = new String(input, StandardCharsets.UTF_8);
        for (LoginPage page : new LoginPage[] {AT_ROOT, UNDER_A_PATH}) {
            lands(page, Base64.getUrlEncoder().withoutPadding().encodeToString(input));
            lands(page, raw);
            lands(page, Base64.getUrlEncoder().withoutPadding().encodeToString(("/term" + raw).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static void lands(LoginPage page, String field) {
        String next;
        try {
            next = page.decodeNext(field);
        } catch (RuntimeException e) {
            throw new AssertionError("decoding next threw", e);
        }
        if (next.equals(page.home())) {
            return;
        }
        URI location;
        try {
            location = URI.create(next);
        } catch (IllegalArgumentException e) {
            throw new AssertionError("next is no valid Location: " + e.getMessage(), e);
        }
        assertNull(location.getScheme(), "a scheme in next: " + next);
        assertNull(location.getRawAuthority(), "a host in next: " + next);
        assertTrue(next.startsWith(page.home()), "next outside the base path: " + next);
        String path = location.normalize().getRawPath();
        assertTrue(path != null && path.startsWith(page.home()), "next leaves the base path: " + next);
        assertEquals(next, page.decodeNext(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(next.getBytes(StandardCharsets.UTF_8))), "a safe next survives another round trip");
    }
}
