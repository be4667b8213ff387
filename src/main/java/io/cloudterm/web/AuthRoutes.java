package io.cloudterm.web;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.auth.Authentication;
import io.cloudterm.auth.Authenticator;
import io.cloudterm.auth.Authenticator.LoginOutcome;
import io.cloudterm.protocol.JsonFactories;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URI;
import java.util.Optional;

/**
 * {@code /token}, {@code /login} and {@code /logout}. Secrets never appear in a URL or a log here:
 * the access token and passwords arrive in POST bodies, the session id leaves only in an HttpOnly
 * cookie. Every login gets a new session id, so an id planted before login is worthless.
 */
final class AuthRoutes implements HttpService {

    private static final Header NO_STORE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store");
    static final Header BASIC_CHALLENGE = HeaderValues.create(HeaderNames.WWW_AUTHENTICATE,
            "Basic realm=\"CloudTerm\", charset=\"UTF-8\"");
    private static final int MAX_LOGIN_BODY = 4096;
    private static final Header HTML = HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8");

    private final Gate gate;
    private final LoginPage page;

    AuthRoutes(Gate gate, LoginPage page) {
        this.gate = gate;
        this.page = page;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/token", this::token)
                .get("/login", this::loginForm)
                .post("/login", this::login)
                .post("/logout", this::logout);
    }

    private Authenticator authenticator() {
        return gate.authenticator();
    }

    private void token(ServerRequest request, ServerResponse response) {
        response.header(NO_STORE);
        // AuthFilter decided (RequestAuth.Purpose.TOKEN) and let this request in for its user.
        Optional<Authentication.Known> who = AuthFilter.who(request);
        if (who.isEmpty()) {
            response.status(Status.UNAUTHORIZED_401).send("authentication required");
            return;
        }
        String token = authenticator().terminalToken(who.get().principal());
        response.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        response.send(JsonFactories.BUILDERS.createObjectBuilder().add("token", token).build().toString());
    }

    private void loginForm(ServerRequest request, ServerResponse response) {
        if (authenticator().mode() != AuthMode.USERS) {
            response.status(Status.NOT_FOUND_404).send("this server has no login form");
            return;
        }
        String next = request.query().first("next").orElse(page.home());
        LoginPage.Notice notice = request.query().contains("logged-out") ? LoginPage.Notice.LOGGED_OUT : LoginPage.Notice.NONE;
        sendForm(response, Status.OK_200, notice, next);
    }

    private void login(ServerRequest request, ServerResponse response) {
        response.header(NO_STORE);
        Gate.Refusal foreign = gate.originRefusal(request.headers());
        if (foreign != null) {
            response.status(foreign.status()).send(foreign.reason());
            return;
        }
        if (request.headers().contentLength().orElse(0) > MAX_LOGIN_BODY) {
            response.status(Status.REQUEST_ENTITY_TOO_LARGE_413).send("login form too large");
            return;
        }
        String body = request.content().hasEntity() ? request.content().as(String.class) : "";
        if (body.length() > MAX_LOGIN_BODY) {
            response.status(Status.REQUEST_ENTITY_TOO_LARGE_413).send("login form too large");
            return;
        }
        UriQuery form = UriQuery.create(body);
        String address = request.remotePeer().host();
        switch (authenticator().mode()) {
            case TOKEN -> tokenLogin(form, address, response);
            case USERS -> passwordLogin(form, address, response);
            default -> response.status(Status.NOT_FOUND_404).send("this server does not log in with a form");
        }
    }

    /** The page's script posts the access token from the URL fragment: 204 and a cookie. */
    private void tokenLogin(UriQuery form, String address, ServerResponse response) {
        LoginOutcome outcome = authenticator().loginWithToken(form.first("token").orElse(""), address);
        switch (outcome) {
            case LoginOutcome.Success success -> {
                Audit.loginSucceeded(success.principal().name(), address, "access token");
                response.headers().addCookie(gate.cookie().create(success.sessionId()));
                response.status(Status.NO_CONTENT_204).send();
            }
            case LoginOutcome.Wrong wrong -> {
                Audit.loginFailed("", address, "wrong access token");
                response.status(Status.UNAUTHORIZED_401).send("wrong access token");
            }
            case LoginOutcome.Throttled throttled -> {
                Audit.loginFailed("", address, "throttled");
                retryAfter(response, throttled.retryAfterSeconds());
                response.status(Status.TOO_MANY_REQUESTS_429).send("too many attempts; retry in " + throttled.retryAfterSeconds() + " s");
            }
            case LoginOutcome.Busy busy -> {
                retryAfter(response, 1);
                response.status(Status.SERVICE_UNAVAILABLE_503).send("busy; retry in a moment");
            }
        }
    }

    /** The login form: 303 to where the user was going, or the form again with a notice. */
    private void passwordLogin(UriQuery form, String address, ServerResponse response) {
        String user = form.first("user").orElse("");
        String password = form.first("password").orElse("");
        String next = page.decodeNext(form.first("next").orElse(""));
        if (user.isEmpty() || user.length() > Authenticator.MAX_USER_LENGTH || password.isEmpty()
                || password.length() > Authenticator.MAX_PASSWORD_LENGTH) {
            Audit.loginFailed(user, address, "malformed form");
            sendForm(response, Status.BAD_REQUEST_400, LoginPage.Notice.WRONG, next, user, 0);
            return;
        }
        LoginOutcome outcome = authenticator().loginWithPassword(user, password.toCharArray(), address);
        switch (outcome) {
            case LoginOutcome.Success success -> {
                Audit.loginSucceeded(user, address, "password");
                response.headers().addCookie(gate.cookie().create(success.sessionId()));
                response.headers().location(URI.create(next));
                response.status(Status.SEE_OTHER_303).send();
            }
            case LoginOutcome.Wrong wrong -> {
                Audit.loginFailed(user, address, "wrong user name or password");
                sendForm(response, Status.UNAUTHORIZED_401, LoginPage.Notice.WRONG, next, user, 0);
            }
            case LoginOutcome.Throttled throttled -> {
                Audit.loginFailed(user, address, "throttled");
                retryAfter(response, throttled.retryAfterSeconds());
                sendForm(response, Status.TOO_MANY_REQUESTS_429, LoginPage.Notice.THROTTLED, next, user,
                        throttled.retryAfterSeconds());
            }
            case LoginOutcome.Busy busy -> {
                Audit.loginFailed(user, address, "busy");
                retryAfter(response, 1);
                sendForm(response, Status.SERVICE_UNAVAILABLE_503, LoginPage.Notice.BUSY, next, user, 0);
            }
        }
    }

    private void logout(ServerRequest request, ServerResponse response) {
        response.header(NO_STORE);
        Gate.Refusal foreign = gate.originRefusal(request.headers());
        if (foreign != null) {
            response.status(foreign.status()).send(foreign.reason());
            return;
        }
        Peer peer = Peer.of(request.remotePeer());
        Gate.Decision decision = gate.who(request.headers(), peer.address(), peer.certificateSubject());
        String sessionId = gate.cookie().read(request.headers());
        if (decision.allowed() && decision.who().sessionId().isPresent()) {
            Audit.logout(decision.who().principal().name(), peer.address());
        }
        authenticator().logout(sessionId);
        response.headers().addCookie(gate.cookie().clear());
        if (authenticator().mode() == AuthMode.USERS) {
            response.headers().location(URI.create(page.home() + "login?logged-out"));
            response.status(Status.SEE_OTHER_303).send();
        } else {
            response.status(Status.NO_CONTENT_204).send();
        }
    }

    private void sendForm(ServerResponse response, Status status, LoginPage.Notice notice, String next) {
        sendForm(response, status, notice, next, "", 0);
    }

    /** The form again, with the name that was tried (never the password) and, if throttled, how long to wait. */
    private void sendForm(ServerResponse response, Status status, LoginPage.Notice notice, String next, String user,
                          long retryAfterSeconds) {
        response.header(NO_STORE);
        response.headers().set(HTML);
        response.status(status).send(page.render(notice, next, user, retryAfterSeconds));
    }

    static void refuse(ServerResponse response, Gate.Refusal refusal, boolean basicChallenge) {
        if (refusal.status() == Status.UNAUTHORIZED_401 && basicChallenge) {
            response.header(BASIC_CHALLENGE);
        }
        if (refusal.retryAfterSeconds() > 0) {
            retryAfter(response, refusal.retryAfterSeconds());
        }
        response.status(refusal.status()).send(refusal.reason());
    }

    private void refuse(ServerResponse response, Gate.Refusal refusal) {
        AuthMode mode = authenticator().mode();
        // Only ttyd-style -c asks the browser for Basic credentials; with accounts a browser is sent to
        // the login form instead, and scripts send Basic credentials without being asked.
        refuse(response, refusal, mode == AuthMode.BASIC);
    }

    private static void retryAfter(ServerResponse response, long seconds) {
        response.header(HeaderValues.create(HeaderNames.RETRY_AFTER, String.valueOf(Math.max(1, seconds))));
    }
}
