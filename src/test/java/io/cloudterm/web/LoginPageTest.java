package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The login form: the files it links, and where it sends the browser afterwards (under the base path, or the terminal page). */
class LoginPageTest {

    private final LoginPage page = new LoginPage("/term");

    private String posted(String next) {
        return page.decodeNext(Base64.getUrlEncoder().withoutPadding().encodeToString(next.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theFormLinksItsStyleAndIconByVersionLikeThePage() {
        String form = page.render(LoginPage.Notice.NONE, "/term/");
        assertTrue(form.matches("(?s).*href=\"login\\.css\\?v=[A-Za-z0-9_-]{22}\".*"), form);
        assertTrue(form.matches("(?s).*href=\"favicon\\.svg\\?v=[A-Za-z0-9_-]{22}\".*"), form);
    }

    @Test
    void aPathUnderTheBasePathIsKeptWithItsQuery() {
        assertEquals("/term/?share=abc", posted("/term/?share=abc"));
        assertEquals("/term/a..b/", posted("/term/a..b/"));
    }

    @Test
    void dotSegmentsThatClimbOutOfTheBasePathLandOnTheTerminalPage() {
        // A browser resolves these before following the redirect: /term/../admin is /admin.
        assertEquals("/term/", posted("/term/../admin"));
        assertEquals("/term/", posted("/term/%2e%2e/admin"));
        assertEquals("/term/", posted("/term/.%2E/admin"));
        assertEquals("/term/", posted("/term/x/../../admin"));
        assertEquals("/term/", posted("/term/.."));
    }

    @Test
    void aWrongPasswordKeepsTheNameTriedEscaped() {
        String form = page.render(LoginPage.Notice.WRONG, "/term/", "al\"ice<b>&", 0);
        assertTrue(form.contains("value=\"al&quot;ice&lt;b&gt;&amp;\""), form);
        assertTrue(form.contains("Wrong user name or password."), form);
        assertTrue(page.render(LoginPage.Notice.NONE, "/term/").contains("value=\"\""), "nothing to keep at first");
    }

    @Test
    void aThrottledLoginSaysHowLongToWait() {
        assertTrue(page.render(LoginPage.Notice.THROTTLED, "/term/", "alice", 40).contains("Too many attempts — try again in 40 s."));
    }
}
