package io.cloudterm.web;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.auth.Authentication;
import io.cloudterm.auth.Principal;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The one decision on who may have what: every request under CloudTerm's path asks it through
 * {@link AuthFilter} and the WebSocket upgrade asks it before routing, each saying what it wants
 * ({@link Purpose}). The order of the checks is the same everywhere: the Host and the Origin of a
 * request that acts (see {@link Gate#originRefusal}), then who sent it, from CloudTerm's own
 * logins or, in an application that signs its users in itself, from its {@link HostAuthentication}.
 */
final class RequestAuth {

    /** What a request asks for. */
    enum Purpose {
        /** The page and its static files: with accounts, a browser without a session goes to the form. */
        PAGE,
        /** The login form and its posts, which judge the credentials themselves. */
        LOGIN,
        /** The terminal token the page sends in JSON_DATA: who is asking. */
        TOKEN,
        /** Reading the API (GET): who is asking. */
        API_READ,
        /** Changing something through the API: from one of our pages (Origin), then who. */
        API_CHANGE,
        /** The WebSocket upgrade, before routing: as API_CHANGE, counting no wrong credential (its plain-HTTP retry does). */
        UPGRADE,
        /** A {@code /ws} request that did not become a WebSocket, answered as plain HTTP with the precise status. */
        UPGRADE_ROUTE,
        /**
         * The stand-alone server's metrics and health ({@code <base>/observe/...}) unless made public:
         * they tell how busy the server is, who is being refused, and where it records; who is asking.
         */
        OBSERVE,
        /**
         * The operator's shared directory behind the login: who is asking; with accounts, a browser
         * without a session goes to the form first, as for the page.
         */
        FILES,
        /** The operator's shared directory made public ({@code --files-public}): anyone, whatever the login. */
        PUBLIC_FILES
    }

    /** The answer. */
    sealed interface Decision {
    }

    /** Go on, for this user. */
    record Allowed(Authentication.Known who) implements Decision {
    }

    /** Go on: what is asked for needs nobody in particular (the page of a token login, the login form). */
    record Open() implements Decision {
    }

    /** Turned away; {@code basicChallenge}: a 401 asks the browser for HTTP Basic credentials. */
    record Refused(Gate.Refusal refusal, boolean basicChallenge) implements Decision {
    }

    /**
     * Go on without a user: a WebSocket upgrade that names a terminal ({@code ?t=}) from someone not
     * signed in, who may hold a share link open to anyone. The link's token comes in JSON_DATA (never
     * in a URL); nothing but such a link lets the connection in (see {@link TerminalEndpoint}).
     */
    record Visitor() implements Decision {
    }

    /** Go to the login form first. */
    record Redirect(URI location) implements Decision {
    }

    /** What the decision reads of a request: all of it exists at a WebSocket upgrade too. */
    record RequestView(String path, boolean namesTerminal, Headers headers, PeerInfo peer) {
    }

    private static final Open OPEN = new Open();
    private static final Visitor VISITOR = new Visitor();

    private final Gate gate;
    private final String base;
    private final Optional<HostAuthentication> host;

    RequestAuth(Gate gate, String base, Optional<HostAuthentication> host) {
        this.gate = gate;
        this.base = base;
        this.host = host;
    }

    /** How people log in to CloudTerm itself (meaningless when {@link #hostSignsIn}). */
    AuthMode mode() {
        return gate.authenticator().mode();
    }

    /** Whether the application signs users in (then CloudTerm has no login of its own). */
    boolean hostSignsIn() {
        return host.isPresent();
    }

    Decision decide(RequestView request, Purpose purpose) {
        return host.isPresent() ? decideForHost(host.get(), request, purpose) : decideOwn(request, purpose);
    }

    private Decision decideOwn(RequestView request, Purpose purpose) {
        if (purpose == Purpose.PUBLIC_FILES) {
            return OPEN;
        }
        AuthMode mode = gate.authenticator().mode();
        Peer peer = Peer.of(request.peer());
        Headers headers = request.headers();
        if (mode == AuthMode.BASIC && purpose != Purpose.UPGRADE) {
            // ttyd's -c: every resource, the page included, needs the credential, asked for before anything else.
            Decision who = decided(gate.who(headers, peer.address(), peer.certificateSubject()), true);
            if (!(who instanceof Allowed) || !actsOnBehalf(purpose)) {
                return who;
            }
            Gate.Refusal foreign = gate.originRefusal(headers);
            return foreign == null ? who : new Refused(foreign, true);
        }
        return switch (purpose) {
            case PAGE -> mode == AuthMode.USERS ? pageWithAccounts(request) : OPEN;
            case LOGIN, PUBLIC_FILES -> OPEN;
            case FILES -> mode == AuthMode.USERS ? filesWithAccounts(request, peer) : decided(gate.who(headers, peer.address(),
                    peer.certificateSubject()), false);
            case TOKEN, API_READ, OBSERVE -> decided(gate.who(headers, peer.address(), peer.certificateSubject()), false);
            case API_CHANGE -> decided(gate.check(headers, peer.address(), peer.certificateSubject()), false);
            case UPGRADE -> mode == AuthMode.CLIENT_CERTIFICATE ? byCertificate(headers, peer)
                    : visitorIfUnknown(request, mode, decided(gate.checkUpgrade(headers, peer.address(),
                            peer.certificateSubject()), mode == AuthMode.BASIC));
            case UPGRADE_ROUTE -> mode == AuthMode.CLIENT_CERTIFICATE ? byCertificate(headers, peer)
                    : decided(gate.check(headers, peer.address(), peer.certificateSubject()), false);
        };
    }

    /**
     * An upgrade to a named terminal from someone not signed in goes on as a {@link Visitor}, with the
     * logins whose page loads without one (the access token, accounts). Refused for another reason
     * (a foreign Origin, a throttled address, a busy server), it stays refused.
     */
    private static Decision visitorIfUnknown(RequestView request, AuthMode mode, Decision decided) {
        boolean unknown = decided instanceof Refused refused && refused.refusal().status() == Status.UNAUTHORIZED_401;
        if (unknown && request.namesTerminal() && (mode == AuthMode.TOKEN || mode == AuthMode.USERS)) {
            return VISITOR;
        }
        return decided;
    }

    /**
     * With accounts, the terminal page itself sends a browser without a session to the form. A link
     * to a terminal ({@code ?t=}) may carry a share token in its fragment, which a redirect would
     * lose: that page loads, keeps it, and goes to the form itself.
     */
    private Decision pageWithAccounts(RequestView request) {
        String path = request.path();
        boolean home = path.equals(base + "/") || path.equals(base + "/index.html");
        if (!home || request.namesTerminal()) {
            return OPEN;
        }
        String session = gate.cookie().read(request.headers());
        if (session != null && gate.authenticator().sessionValid(session)) {
            return OPEN;
        }
        return new Redirect(URI.create(base + "/login?next=" + URLEncoder.encode(path, StandardCharsets.UTF_8)));
    }

    /** A shared file asked for without a session goes to the form, which comes back to it once logged in. */
    private Decision filesWithAccounts(RequestView request, Peer peer) {
        Decision who = decided(gate.who(request.headers(), peer.address(), peer.certificateSubject()), false);
        if (who instanceof Refused refused && refused.refusal().status() == Status.UNAUTHORIZED_401) {
            return new Redirect(URI.create(base + "/login?next=" + URLEncoder.encode(request.path(), StandardCharsets.UTF_8)));
        }
        return who;
    }

    /** The verified client certificate's subject is the user; the TLS handshake has checked it already. */
    private Decision byCertificate(Headers headers, Peer peer) {
        Gate.Refusal foreign = gate.originRefusal(headers);
        if (foreign != null) {
            return new Refused(foreign, false);
        }
        return peer.certificateSubject()
                .<Decision>map(subject -> new Allowed(new Authentication.Known(new Principal(subject), Optional.empty())))
                .orElseGet(() -> new Refused(new Gate.Refusal(Status.UNAUTHORIZED_401, "a client certificate is required", 0), false));
    }

    private Decision decideForHost(HostAuthentication signIn, RequestView request, Purpose purpose) {
        if (purpose == Purpose.PUBLIC_FILES) {
            return OPEN;
        }
        if (purpose == Purpose.LOGIN) {
            return new Refused(new Gate.Refusal(Status.NOT_FOUND_404,
                    "this application signs its users in itself; CloudTerm has no login here", 0), false);
        }
        if (actsOnBehalf(purpose)) {
            Gate.Refusal foreign = gate.originRefusal(request.headers());
            if (foreign != null) {
                return new Refused(foreign, false);
            }
        }
        Optional<String> signedIn = signIn.user(request.headers(), request.peer());
        if (signedIn.isPresent() && signedIn.get().isEmpty() && purpose == Purpose.UPGRADE && request.namesTerminal()) {
            // Nobody signed in, but vouched for as someone with a link to this terminal (a gateway's visitor).
            return VISITOR;
        }
        return signedIn
                .filter(user -> !user.isBlank())
                .<Decision>map(user -> new Allowed(new Authentication.Known(new Principal(user), Optional.empty())))
                .orElseGet(() -> new Refused(new Gate.Refusal(Status.UNAUTHORIZED_401, "authentication required", 0), false));
    }

    /** Requests that act on a terminal must come from our own pages; plain reads carry no Origin. */
    private static boolean actsOnBehalf(Purpose purpose) {
        return purpose == Purpose.API_CHANGE || purpose == Purpose.UPGRADE || purpose == Purpose.UPGRADE_ROUTE;
    }

    private static Decision decided(Gate.Decision decision, boolean basicChallenge) {
        return decision.allowed() ? new Allowed(decision.who()) : new Refused(decision.refusal(), basicChallenge);
    }
}
