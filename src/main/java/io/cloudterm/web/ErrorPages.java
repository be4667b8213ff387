package io.cloudterm.web;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.files.AssetLinks;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Refusals a person reads: a browser asking for a page (its request accepts text/html) gets a page
 * in the login form's style saying what happened and what to do; scripts, the page's own fetches
 * and other clients get the short plain-text reason as before. The page holds fixed text only
 * (nothing from the request), and no inline script or style, so the CSP stays as it is.
 */
final class ErrorPages {

    /** What a person is told: a title, what happened and what to do, and one link on. */
    record Message(String title, String text, String action, String actionPath) {
    }

    private final String template;
    private final String base;

    ErrorPages(String base) {
        this.base = base;
        try (InputStream in = ErrorPages.class.getResourceAsStream("/templates/error.html")) {
            if (in == null) {
                throw new IllegalStateException("templates/error.html is missing from the class path");
            }
            // Served at any depth under the base path: its style sheet and icon by absolute, versioned URLs.
            this.template = AssetLinks.versionedBeside(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                            ErrorPages.class, "web")
                    .replace("href=\"login.css", "href=\"" + base + "/login.css")
                    .replace("href=\"favicon.svg", "href=\"" + base + "/favicon.svg");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the request comes from a browser navigating to a page, which shows the body to a person. */
    static boolean wantsPage(Headers request) {
        return request.first(HeaderNames.ACCEPT).map(accept -> accept.contains("text/html")).orElse(false);
    }

    /** 401: not logged in, with what logs one in on this server ({@code mode}, or the application's own sign-in). */
    Message notLoggedIn(AuthMode mode, boolean applicationSignsIn) {
        String title = "You are not logged in";
        if (applicationSignsIn) {
            return new Message(title, "Sign in to the application first, then come back to this page.", "Try again", "/");
        }
        return switch (mode) {
            case USERS -> new Message(title, "This page needs a login. Log in, then open it again.", "Log in", "/login");
            case BASIC -> new Message(title, "This page needs a login. Reload it and sign in when your browser asks for a"
                    + " user name and password.", "Try again", "/");
            case CLIENT_CERTIFICATE -> new Message(title, "This server lets in browsers with a client certificate it"
                    + " trusts. Install yours in the browser, then try again.", "Try again", "/");
            default -> new Message(title, "This page needs a login. Open the address the server printed when it started"
                    + " (it ends in #token=…), or ask whoever runs the server for it.", "Go to the terminal", "/");
        };
    }

    /** 404 for a path that names nothing here. */
    Message nothingHere() {
        return new Message("There is nothing here", "This address is not a page of CloudTerm. It may be mistyped, or"
                + " from an older version of the server.", "Open a new terminal", "/");
    }

    /** 404 for a terminal: ended, never existed, or someone else's, which look the same. */
    Message noSuchTerminal() {
        return new Message("This terminal does not exist or has ended", "It may have ended, or the link may be mistyped"
                + " or not yours. Open a new one.", "Open a new terminal", "/");
    }

    /** Answers {@code status} with {@code message} as a page if the request wants one, else {@code plain}. */
    void send(Headers request, ServerResponse response, Status status, String plain, Message message) {
        if (!wantsPage(request)) {
            response.status(status).send(plain);
            return;
        }
        response.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8"));
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        response.status(status).send(render(message));
    }

    String render(Message message) {
        return template.replace("{{title}}", message.title())
                .replace("{{text}}", message.text())
                .replace("{{action}}", message.action())
                .replace("{{actionHref}}", base + message.actionPath());
    }
}
