package io.cloudterm.web;

import io.cloudterm.files.AssetLinks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The login form (plain HTML, no script). Nothing a client sent is ever written into the page: the
 * notice is one of a fixed set, and the path to return to travels base64url-encoded, whose
 * alphabet needs no HTML escaping.
 */
final class LoginPage {

    /** What the form says above its fields. */
    enum Notice {
        NONE(""),
        WRONG("Wrong user name or password."),
        LOGGED_OUT("You have logged out."),
        BUSY("The server is busy; please try again in a moment."),
        THROTTLED("Too many attempts; wait a little before trying again.");

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
        boolean error = notice == Notice.WRONG || notice == Notice.BUSY || notice == Notice.THROTTLED;
        return template.replace("{{message}}", notice.text)
                .replace("{{messageClass}}", error ? "error" : "")
                .replace("{{next}}", Base64.getUrlEncoder().withoutPadding().encodeToString(
                        safeNext(next).getBytes(StandardCharsets.UTF_8)));
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
