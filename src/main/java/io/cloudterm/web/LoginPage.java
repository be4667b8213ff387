package io.cloudterm.web;

import io.cloudterm.files.AssetLinks;
import io.cloudterm.files.HtmlText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The login form (plain HTML, no script). The notice is one of a fixed set (with a number of
 * seconds to wait, when throttled); the path to return to travels base64url-encoded, whose
 * alphabet needs no HTML escaping; the one thing a client sent that is written back, the user name
 * it tried (so that a mistyped password costs no retyping), is HTML-escaped.
 */
final class LoginPage {

    /** What the form says above its fields. */
    enum Notice {
        NONE(""),
        WRONG("Wrong user name or password."),
        LOGGED_OUT("You have logged out."),
        BUSY("The server is busy; please try again in a moment."),
        /** {@code %d}: the seconds until the next attempt may go ahead. */
        THROTTLED("Too many attempts — try again in %d s.");

        private final String text;

        Notice(String text) {
            this.text = text;
        }
    }

    private final String template;
    private final String basePath;

    LoginPage(String basePath) {
        this.basePath = basePath;
        try (InputStream in = LoginPage.class.getResourceAsStream("/templates/login.html")) {
            if (in == null) {
                throw new IllegalStateException("templates/login.html is missing from the class path");
            }
            // Its style sheet and icon by versioned URLs, as the terminal page's: see AssetLinks.
            this.template = AssetLinks.versionedBeside(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    LoginPage.class, "web");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String render(Notice notice, String next) {
        return render(notice, next, "", 0);
    }

    /**
     * The form with {@code notice}, the name {@code user} filled in again (if any), and, for
     * {@link Notice#THROTTLED}, how long to wait.
     */
    String render(Notice notice, String next, String user, long retryAfterSeconds) {
        boolean error = notice == Notice.WRONG || notice == Notice.BUSY || notice == Notice.THROTTLED;
        String text = notice == Notice.THROTTLED ? notice.text.formatted(Math.max(1, retryAfterSeconds)) : notice.text;
        String kept = user == null || user.length() > 64 ? "" : user;
        return template.replace("{{message}}", text)
                // The cursor where typing goes on: the password, once the name is there.
                .replace("{{userFocus}}", kept.isEmpty() ? "autofocus" : "")
                .replace("{{passwordFocus}}", kept.isEmpty() ? "" : "autofocus")
                .replace("{{messageClass}}", error ? "error" : "")
                .replace("{{next}}", Base64.getUrlEncoder().withoutPadding().encodeToString(
                        safeNext(next).getBytes(StandardCharsets.UTF_8)))
                // Last, so that nothing in the name is read as a placeholder.
                .replace("{{user}}", HtmlText.escape(kept));
    }

    /** The path to land on after login, from the form's encoded field; the page itself if it is not ours. */
    String decodeNext(String encoded) {
        try {
            return safeNext(new String(Base64.getUrlDecoder().decode(encoded == null ? "" : encoded), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return home();
        }
    }

    String home() {
        return basePath + "/";
    }

    /**
     * Only a path of this server under the base path: never another host ("//evil", "https://...",
     * "/\\evil"), so the redirect after login cannot be turned into an open redirect; and only one
     * that is a valid URI reference as it stands, in ASCII (no {@code |}, {@code "}, {@code <}, {@code %zz}...),
     * so that the Location header can always be written.
     */
    String safeNext(String next) {
        if (next == null || !next.startsWith(home()) || next.startsWith("//") || next.contains("\\")
                || next.chars().anyMatch(c -> c < 0x21 || c > 0x7e) || next.length() > 512 || !pathReference(next)
                || climbs(next)) {
            return home();
        }
        return next;
    }

    private static boolean pathReference(String next) {
        try {
            java.net.URI uri = new java.net.URI(next);
            return uri.getScheme() == null && uri.getRawAuthority() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /**
     * Whether the path has a "." or ".." segment, which a browser resolves before it follows the
     * redirect ("/term/../admin" is "/admin"): it could leave the base path. URLs read "%2e" as a
     * dot in a segment, so that spelling counts too.
     */
    private static boolean climbs(String next) {
        int end = next.length();
        for (char stop : new char[] {'?', '#'}) {
            int at = next.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        for (String segment : next.substring(0, end).split("/", -1)) {
            String dots = segment.replace("%2e", ".").replace("%2E", ".");
            if (dots.equals(".") || dots.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
