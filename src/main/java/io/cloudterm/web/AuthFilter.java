package io.cloudterm.web;

import io.cloudterm.auth.Authentication;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * The routing filter that asks {@link RequestAuth} about every request under CloudTerm's path,
 * saying what the path asks for, and answers a refusal or a redirect itself. A request let in
 * carries its user in its context, where the routes behind read it ({@link #who}).
 */
final class AuthFilter implements Filter {

    private final RequestAuth auth;
    private final String base;
    private final boolean observeGuarded;
    private final Optional<SharedFiles> files;
    private final Optional<ErrorPages> pages;

    /** The operator's shared directory: served at {@code path}, with or without a login. */
    record SharedFiles(String path, boolean open) {
    }

    /**
     * {@code observeGuarded}: {@code <base>/observe} is this server's own metrics and health, not
     * made public (inside an application, its observe endpoints are its own to guard).
     */
    AuthFilter(RequestAuth auth, String base, boolean observeGuarded) {
        this(auth, base, observeGuarded, Optional.empty());
    }

    /** As {@link #AuthFilter(RequestAuth, String, boolean)}, with a shared directory at {@code files}. */
    AuthFilter(RequestAuth auth, String base, boolean observeGuarded, Optional<SharedFiles> files) {
        this(auth, base, observeGuarded, files, Optional.empty());
    }

    /** As above; a browser asking for a page it may not have gets one of {@code pages} (see {@link ErrorPages}). */
    AuthFilter(RequestAuth auth, String base, boolean observeGuarded, Optional<SharedFiles> files, Optional<ErrorPages> pages) {
        this.auth = auth;
        this.base = base;
        this.observeGuarded = observeGuarded;
        this.files = files;
        this.pages = pages;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        RequestAuth.RequestView view = new RequestAuth.RequestView(request.path().path(), request.query().contains("t"),
                request.headers(), request.remotePeer());
        switch (auth.decide(view, purpose(request))) {
            case RequestAuth.Allowed allowed -> {
                request.context().register(allowed.who());
                chain.proceed();
            }
            case RequestAuth.Open open -> chain.proceed();
            // Only an upgrade is let on as a visitor; a plain request of one is not signed in.
            case RequestAuth.Visitor visitor -> AuthRoutes.refuse(response,
                    new Gate.Refusal(Status.UNAUTHORIZED_401, "authentication required", 0), false);
            case RequestAuth.Refused refused -> {
                if (request.headers().contentLength().orElse(0) > RequestFraming.SMALL_BODY_MAX) {
                    // An upload's body, refused: not read for nothing (Helidon would drain it to keep the connection).
                    response.header(HeaderValues.CONNECTION_CLOSE);
                }
                refuse(request, response, refused);
            }
            case RequestAuth.Redirect redirect -> {
                response.headers().location(redirect.location());
                response.status(Status.SEE_OTHER_303).send();
            }
        }
    }

    /** A 401 a person reads (the browser navigated here) says what logs them in; everything else as plain text. */
    private void refuse(RoutingRequest request, RoutingResponse response, RequestAuth.Refused refused) {
        Gate.Refusal refusal = refused.refusal();
        if (pages.isEmpty() || refusal.status() != Status.UNAUTHORIZED_401 || !ErrorPages.wantsPage(request.headers())) {
            AuthRoutes.refuse(response, refusal, refused.basicChallenge());
            return;
        }
        if (refused.basicChallenge()) {
            response.header(AuthRoutes.BASIC_CHALLENGE);
        }
        pages.get().send(request.headers(), response, Status.UNAUTHORIZED_401, refusal.reason(),
                pages.get().notLoggedIn(auth.mode(), auth.hostSignsIn()));
    }

    /** The user {@link AuthFilter} let this request in for; empty where the route needs nobody. */
    static Optional<Authentication.Known> who(ServerRequest request) {
        return request.context().get(Authentication.Known.class);
    }

    private RequestAuth.Purpose purpose(RoutingRequest request) {
        String path = request.path().path();
        if (files.isPresent() && (path.equals(files.get().path()) || path.startsWith(files.get().path() + "/"))) {
            return files.get().open() ? RequestAuth.Purpose.PUBLIC_FILES : RequestAuth.Purpose.FILES;
        }
        String local = path.startsWith(base) ? path.substring(base.length()) : path;
        if (local.equals("/token")) {
            return RequestAuth.Purpose.TOKEN;
        }
        if (local.equals("/login") || local.equals("/logout")) {
            return RequestAuth.Purpose.LOGIN;
        }
        if (local.equals("/ws")) {
            return RequestAuth.Purpose.UPGRADE_ROUTE;
        }
        if (observeGuarded && (local.equals("/observe") || local.startsWith("/observe/"))) {
            return RequestAuth.Purpose.OBSERVE;
        }
        if (local.startsWith("/api/")) {
            Method method = request.prologue().method();
            return method == Method.GET || method == Method.HEAD ? RequestAuth.Purpose.API_READ : RequestAuth.Purpose.API_CHANGE;
        }
        return RequestAuth.Purpose.PAGE;
    }
}
