package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.auth.Authenticator;
import io.cloudterm.auth.Principal;
import io.cloudterm.config.ServerConfig;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.WritableHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the one decision on requests uses the {@link Gate}: which purposes must come from our own
 * pages, which only say who is asking, and that an application's own sign-in is asked only once
 * Host and Origin have passed.
 */
class RequestAuthTest {

    private static final String OWN_HOST = "127.0.0.1:7681";
    private static final String FOREIGN = "http://evil.example";
    private static final String RIGHT = "Basic " + Base64.getEncoder().encodeToString("ann:secret-pass".getBytes(StandardCharsets.UTF_8));

    private Authenticator authenticator;
    private Gate gate;

    @AfterEach
    void close() {
        if (authenticator != null) {
            authenticator.close();
        }
    }

    @Test
    void whatActsOnATerminalMustComeFromOurPagesAndReadsNeedNot() {
        RequestAuth auth = own(ServerConfig.builder().authMode(AuthMode.NONE));
        for (RequestAuth.Purpose acting : List.of(RequestAuth.Purpose.API_CHANGE, RequestAuth.Purpose.UPGRADE,
                RequestAuth.Purpose.UPGRADE_ROUTE)) {
            RequestAuth.Refused refused = assertInstanceOf(RequestAuth.Refused.class, auth.decide(view(FOREIGN), acting), acting.name());
            assertEquals(403, refused.refusal().status().code(), acting.name());
        }
        for (RequestAuth.Purpose reading : List.of(RequestAuth.Purpose.TOKEN, RequestAuth.Purpose.API_READ,
                RequestAuth.Purpose.OBSERVE)) {
            assertInstanceOf(RequestAuth.Allowed.class, auth.decide(view(FOREIGN), reading), reading.name());
        }
        assertInstanceOf(RequestAuth.Open.class, auth.decide(view(FOREIGN), RequestAuth.Purpose.PAGE));
    }

    @Test
    void withBasicTheCredentialIsAskedForFirstAndAForeignPageIsRefusedAfterIt() {
        RequestAuth auth = own(ServerConfig.builder().authMode(AuthMode.BASIC).credential(Optional.of("ann:secret-pass")));
        RequestAuth.Refused page = assertInstanceOf(RequestAuth.Refused.class, auth.decide(view(headers(null)), RequestAuth.Purpose.PAGE));
        assertEquals(401, page.refusal().status().code());
        assertTrue(page.basicChallenge(), "the browser's prompt is how ttyd's -c asks");

        WritableHeaders<?> foreignWithCredential = headers(FOREIGN);
        foreignWithCredential.set(HeaderNames.AUTHORIZATION, RIGHT);
        RequestAuth.Refused change = assertInstanceOf(RequestAuth.Refused.class,
                auth.decide(view(foreignWithCredential), RequestAuth.Purpose.API_CHANGE));
        assertEquals(403, change.refusal().status().code(), "the browser sends the remembered credential along: that is the attack");

        WritableHeaders<?> own = headers("http://" + OWN_HOST);
        own.set(HeaderNames.AUTHORIZATION, RIGHT);
        RequestAuth.Allowed allowed = assertInstanceOf(RequestAuth.Allowed.class, auth.decide(view(own), RequestAuth.Purpose.UPGRADE));
        assertEquals(new Principal("ann"), allowed.who().principal());
    }

    @Test
    void anUpgradeNamingATerminalFromSomeoneNotLoggedInGoesOnAsAVisitorOnceHostAndOriginHavePassed() {
        RequestAuth auth = own(ServerConfig.builder().authMode(AuthMode.TOKEN));
        WritableHeaders<?> own = headers("http://" + OWN_HOST);
        assertInstanceOf(RequestAuth.Visitor.class, auth.decide(naming(own), RequestAuth.Purpose.UPGRADE),
                "a share link in JSON_DATA may let it in");
        assertEquals(401, assertInstanceOf(RequestAuth.Refused.class, auth.decide(view(own), RequestAuth.Purpose.UPGRADE))
                .refusal().status().code(), "no terminal named: no visitor, no new shell");
        assertEquals(403, assertInstanceOf(RequestAuth.Refused.class, auth.decide(naming(headers(FOREIGN)),
                RequestAuth.Purpose.UPGRADE)).refusal().status().code(), "a page of another site is refused all the same");
        for (RequestAuth.Purpose other : List.of(RequestAuth.Purpose.TOKEN, RequestAuth.Purpose.API_READ,
                RequestAuth.Purpose.API_CHANGE, RequestAuth.Purpose.UPGRADE_ROUTE)) {
            assertEquals(401, assertInstanceOf(RequestAuth.Refused.class, auth.decide(naming(own), other), other.name())
                    .refusal().status().code(), "only the WebSocket is a visitor's: " + other);
        }
    }

    @Test
    void anApplicationsSignInIsAskedOnlyOnceHostAndOriginHavePassed() {
        AtomicInteger asked = new AtomicInteger();
        RequestAuth auth = hosted((headers, peer) -> {
            asked.incrementAndGet();
            return Optional.of("ann");
        });
        RequestAuth.Refused refused = assertInstanceOf(RequestAuth.Refused.class, auth.decide(view(FOREIGN), RequestAuth.Purpose.UPGRADE));
        assertEquals(403, refused.refusal().status().code());
        assertEquals(0, asked.get());

        RequestAuth.Allowed allowed = assertInstanceOf(RequestAuth.Allowed.class,
                auth.decide(view("http://" + OWN_HOST), RequestAuth.Purpose.UPGRADE));
        assertEquals(new Principal("ann"), allowed.who().principal());
        assertEquals(404, assertInstanceOf(RequestAuth.Refused.class, auth.decide(view(headers(null)), RequestAuth.Purpose.LOGIN))
                .refusal().status().code(), "the application has no CloudTerm login");
    }

    @Test
    void aBlankNameFromTheApplicationIsNobody() {
        RequestAuth auth = hosted((headers, peer) -> Optional.of(" "));
        RequestAuth.Refused refused = assertInstanceOf(RequestAuth.Refused.class, auth.decide(view(headers(null)), RequestAuth.Purpose.API_READ));
        assertEquals(401, refused.refusal().status().code());
    }

    private RequestAuth own(ServerConfig.Builder config) {
        ServerConfig built = config.command(List.of("true")).host("127.0.0.1").port(7681).build();
        authenticator = Logins.authenticator(built, token -> { });
        gate = new Gate(authenticator, new HostPolicy(built.host(), built.hosts().allowed(), built::port, false),
                new OriginPolicy(built.allowedOrigins()), new SessionCookie(built.basePath(), false), false);
        return new RequestAuth(gate, built.basePath(), Optional.empty());
    }

    private RequestAuth hosted(HostAuthentication signIn) {
        own(ServerConfig.builder().authMode(AuthMode.NONE));
        return new RequestAuth(gate, "", Optional.of(signIn));
    }

    private static WritableHeaders<?> headers(String origin) {
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.set(HeaderNames.HOST, OWN_HOST);
        if (origin != null) {
            headers.set(HeaderNames.ORIGIN, origin);
        }
        return headers;
    }

    private static RequestAuth.RequestView view(String origin) {
        return view(headers(origin));
    }

    /** A request that names a terminal ({@code ?t=}), as a share link's page and WebSocket do. */
    private static RequestAuth.RequestView naming(Headers headers) {
        return new RequestAuth.RequestView("/ws", true, headers, new LoopbackPeer());
    }

    private static RequestAuth.RequestView view(Headers headers) {
        return new RequestAuth.RequestView("/ws", false, headers, new LoopbackPeer());
    }
}
