package io.cloudterm.web;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.auth.Authenticator;
import io.cloudterm.auth.Principal;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Header;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.SetCookie;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import java.util.Optional;

/**
 * {@code /token}, {@code /login} and {@code /logout}. Secrets never appear in a URL or a log here:
 * the access token arrives in a POST body, the session id leaves only in an HttpOnly cookie.
 */
final class AuthRoutes implements HttpService {

    private static final Header NO_STORE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store");
    static final Header BASIC_CHALLENGE = HeaderValues.create(HeaderNames.WWW_AUTHENTICATE,
            "Basic realm=\"CloudTerm\", charset=\"UTF-8\"");
    private static final int MAX_LOGIN_BODY = 4096;

    private final Gate gate;
    private final String cookiePath;
    private final boolean secure;

    AuthRoutes(Gate gate, String basePath, boolean secure) {
        this.gate = gate;
        this.cookiePath = basePath.isEmpty() ? "/" : basePath + "/";
        this.secure = secure;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/token", this::token)
                .post("/login", this::login)
                .post("/logout", this::logout);
    }

    private void token(ServerRequest request, ServerResponse response) {
        response.header(NO_STORE);
        Optional<Principal> principal = gate.who(request.headers());
        if (principal.isEmpty()) {
            unauthorized(response);
            return;
        }
        String token = gate.authenticator().terminalToken(principal.get());
        response.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        response.send(Json.createObjectBuilder().add("token", token).build().toString());
    }

    private void login(ServerRequest request, ServerResponse response) {
        response.header(NO_STORE);
        Gate.Decision origin = gate.check(request.headers(), secure);
        if (origin.refusal() != null && origin.refusal().status() == Status.FORBIDDEN_403) {
            response.status(Status.FORBIDDEN_403).send(origin.refusal().reason());
            return;
        }
        if (gate.authenticator().mode() != AuthMode.TOKEN) {
            response.status(Status.NOT_FOUND_404).send("this server does not use an access token");
            return;
        }
        if (request.content().hasEntity() && request.headers().contentLength().orElse(0) > MAX_LOGIN_BODY) {
            response.status(Status.REQUEST_ENTITY_TOO_LARGE_413).send("login body too large");
            return;
        }
        String body = request.content().hasEntity() ? request.content().as(String.class) : "";
        String candidate = UriQuery.create(body).first("token").orElse("");
        Optional<String> session = gate.authenticator().login(candidate);
        if (session.isEmpty()) {
            response.status(Status.UNAUTHORIZED_401).send("wrong access token");
            return;
        }
        response.headers().addCookie(SetCookie.builder(Authenticator.SESSION_COOKIE, session.get())
                .httpOnly(true)
                .sameSite(SetCookie.SameSite.STRICT)
                .path(cookiePath)
                .secure(secure)
                .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void logout(ServerRequest request, ServerResponse response) {
        response.header(NO_STORE);
        Gate.Decision origin = gate.check(request.headers(), secure);
        if (origin.refusal() != null && origin.refusal().status() == Status.FORBIDDEN_403) {
            response.status(Status.FORBIDDEN_403).send(origin.refusal().reason());
            return;
        }
        gate.authenticator().logout(Gate.sessionCookie(request.headers()));
        response.headers().addCookie(SetCookie.builder(Authenticator.SESSION_COOKIE, "")
                .httpOnly(true).sameSite(SetCookie.SameSite.STRICT).path(cookiePath).secure(secure)
                .maxAge(java.time.Duration.ZERO).build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void unauthorized(ServerResponse response) {
        if (gate.authenticator().mode() == AuthMode.BASIC) {
            response.header(BASIC_CHALLENGE);
        }
        response.status(Status.UNAUTHORIZED_401).send("authentication required");
    }
}
