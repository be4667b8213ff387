package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.auth.Authenticator;
import io.cloudterm.auth.PasswordVerifier;
import io.cloudterm.auth.Principal;
import io.cloudterm.auth.Sessions;
import io.cloudterm.config.ServerConfig;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The checks before a request may touch a terminal, in their order: Host, Origin, then who sent
 * it; with the server's real authenticator (its access token, sessions and login throttle), built
 * from a configuration as the server builds it.
 */
class GateTest {

    private static final String OWN_HOST = "127.0.0.1:7681";
    private static final String OWN_ORIGIN = "http://127.0.0.1:7681";
    private static final String ADDRESS = "192.0.2.7";
    private static final String RIGHT = basic("ann:secret-pass");
    private static final String WRONG = basic("ann:guess");
    /** Two wrong guesses per address, then one more an hour: no test waits that long. */
    private static final ServerConfig.LoginLimits TWO_GUESSES = new ServerConfig.LoginLimits(2, Duration.ofHours(1));

    private final AtomicReference<String> accessToken = new AtomicReference<>();
    private Authenticator authenticator;
    private Gate gate;

    @AfterEach
    void close() {
        if (authenticator != null) {
            authenticator.close();
        }
    }

    // ---- Host ----

    @Test
    void aRequestForAnotherHostIsMisdirectedWhateverElseItCarries() {
        tokenServer();
        WritableHeaders<?> rebound = request("evil.example:7681", "http://evil.example:7681");
        withSession(rebound);
        Gate.Decision decision = gate.check(rebound, ADDRESS, Optional.empty());
        assertRefused(decision, 421, "this server does not answer to that Host name; its operator can add it with --allow-host");
        assertRefused(gate.checkUpgrade(rebound, ADDRESS, Optional.empty()), 421, decision.refusal().reason());
    }

    @Test
    void anUpgradeWithoutHostIsABadRequest() {
        tokenServer();
        WritableHeaders<?> headers = WritableHeaders.create();
        withSession(headers);
        assertRefused(gate.checkUpgrade(headers, ADDRESS, Optional.empty()), 400, "missing Host header");
    }

    // ---- Origin ----

    @Test
    void aPageOfAnotherSiteIsRefusedEvenWithAValidSession() {
        tokenServer();
        WritableHeaders<?> hijack = request(OWN_HOST, "http://evil.example");
        hijack.set(HeaderNames.create("Sec-Fetch-Site"), "cross-site");
        withSession(hijack); // the browser sends the visitor's cookie along: that is the attack
        String reason = "cross-origin request refused (Origin http://evil.example); start the server with --allow-origin to permit it";
        assertRefused(gate.check(hijack, ADDRESS, Optional.empty()), 403, reason);
        assertRefused(gate.checkUpgrade(hijack, ADDRESS, Optional.empty()), 403, reason);
    }

    @Test
    void anUpgradeWithoutOriginIsNoPageAndIsJudgedByItsCredentialAlone() {
        tokenServer();
        WritableHeaders<?> anonymous = request(OWN_HOST, null);
        assertRefused(gate.checkUpgrade(anonymous, ADDRESS, Optional.empty()), 401, "authentication required");
        WritableHeaders<?> withSession = request(OWN_HOST, null);
        withSession(withSession);
        assertTrue(gate.checkUpgrade(withSession, ADDRESS, Optional.empty()).allowed());
    }

    @Test
    void originNullIsRefusedWhenTheBrowserSaysCrossSite() {
        tokenServer();
        WritableHeaders<?> sandboxed = request(OWN_HOST, "null");
        sandboxed.set(HeaderNames.create("Sec-Fetch-Site"), "cross-site");
        withSession(sandboxed);
        assertRefused(gate.check(sandboxed, ADDRESS, Optional.empty()), 403,
                "cross-origin request refused (Origin null); start the server with --allow-origin to permit it");

        WritableHeaders<?> ownForm = request(OWN_HOST, "null");
        ownForm.set(HeaderNames.create("Sec-Fetch-Site"), "same-origin");
        withSession(ownForm);
        assertTrue(gate.check(ownForm, ADDRESS, Optional.empty()).allowed(),
                "our own form POST under Referrer-Policy: no-referrer");
    }

    @Test
    void anOriginTheOperatorAllowedPasses() {
        build(ServerConfig.builder().authMode(AuthMode.NONE).allowedOrigins(java.util.Set.of("https://portal.example")));
        assertTrue(gate.check(request(OWN_HOST, "https://portal.example"), ADDRESS, Optional.empty()).allowed());
        assertRefused(gate.check(request(OWN_HOST, "https://other.example"), ADDRESS, Optional.empty()), 403,
                "cross-origin request refused (Origin https://other.example); start the server with --allow-origin to permit it");
    }

    @Test
    void aPlainReadIsJudgedByItsCredentialAlone() {
        // who() serves GETs: browsers send no Origin there, and the Host filter has run before any route.
        tokenServer();
        WritableHeaders<?> headers = request("evil.example", "http://evil.example");
        withSession(headers);
        assertTrue(gate.who(headers, ADDRESS, Optional.empty()).allowed());
    }

    // ---- who ----

    @Test
    void aSessionOpenedWithTheAccessTokenIsKnownUntilLogout() {
        tokenServer();
        WritableHeaders<?> headers = request(OWN_HOST, OWN_ORIGIN);
        String session = withSession(headers);
        Gate.Decision decision = gate.check(headers, ADDRESS, Optional.empty());
        assertTrue(decision.allowed(), String.valueOf(decision.refusal()));
        assertEquals(new Principal("token"), decision.who().principal());
        assertEquals(Optional.of(session), decision.who().sessionId());

        authenticator.logout(session);
        assertRefused(gate.check(headers, ADDRESS, Optional.empty()), 401, "authentication required");
    }

    @Test
    void aMissingOrMadeUpSessionIsUnauthorized() {
        tokenServer();
        assertRefused(gate.check(request(OWN_HOST, OWN_ORIGIN), ADDRESS, Optional.empty()), 401, "authentication required");
        WritableHeaders<?> forged = request(OWN_HOST, OWN_ORIGIN);
        forged.set(HeaderNames.COOKIE, "cloudterm_session=" + "A".repeat(43));
        assertRefused(gate.check(forged, ADDRESS, Optional.empty()), 401, "authentication required");
        WritableHeaders<?> tokenAsBasic = request(OWN_HOST, OWN_ORIGIN);
        tokenAsBasic.set(HeaderNames.AUTHORIZATION, "Bearer " + accessToken.get());
        assertRefused(gate.check(tokenAsBasic, ADDRESS, Optional.empty()), 401, "authentication required");
    }

    @Test
    void theRightBasicCredentialIsKnownAndAWrongOneIsNot() {
        basicServer();
        Gate.Decision right = gate.check(withAuthorization(RIGHT), ADDRESS, Optional.empty());
        assertTrue(right.allowed(), String.valueOf(right.refusal()));
        assertEquals(new Principal("ann"), right.who().principal());
        assertEquals(Optional.empty(), right.who().sessionId());
        assertRefused(gate.check(withAuthorization(WRONG), ADDRESS, Optional.empty()), 401, "authentication required");
        assertRefused(gate.check(request(OWN_HOST, OWN_ORIGIN), ADDRESS, Optional.empty()), 401, "authentication required");
    }

    @Test
    void anAddressOutOfGuessesIsThrottledWithRetryAfterEvenWithTheRightCredential() {
        basicServer();
        for (int guess = 0; guess < 2; guess++) {
            assertRefused(gate.check(withAuthorization(WRONG), ADDRESS, Optional.empty()), 401, "authentication required");
        }
        Gate.Decision third = gate.check(withAuthorization(WRONG), ADDRESS, Optional.empty());
        assertEquals(Status.TOO_MANY_REQUESTS_429, third.refusal().status());
        long retryAfter = third.refusal().retryAfterSeconds();
        assertTrue(retryAfter > 0 && retryAfter <= 3600, "Retry-After " + retryAfter);
        assertEquals("too many login attempts; retry in " + retryAfter + " s", third.refusal().reason());

        Gate.Decision right = gate.check(withAuthorization(RIGHT), ADDRESS, Optional.empty());
        assertEquals(Status.TOO_MANY_REQUESTS_429, right.refusal().status(), "a throttled guesser learns nothing from a right guess");
        assertEquals(Status.TOO_MANY_REQUESTS_429, gate.checkUpgrade(withAuthorization(RIGHT), ADDRESS, Optional.empty())
                .refusal().status(), "an upgrade from that address is refused all the same");
        assertTrue(gate.check(withAuthorization(RIGHT), "192.0.2.8", Optional.empty()).allowed(),
                "another address is not held back by this one's guesses");
    }

    @Test
    void aRefusedUpgradeCountsNoGuessItsPlainRetryCountsIt() {
        basicServer();
        for (int upgrade = 0; upgrade < 10; upgrade++) {
            assertRefused(gate.checkUpgrade(withAuthorization(WRONG), ADDRESS, Optional.empty()), 401, "authentication required");
        }
        assertTrue(gate.check(withAuthorization(RIGHT), ADDRESS, Optional.empty()).allowed(),
                "ten refused upgrades used none of the address's two guesses");
    }

    @Test
    void whileThePasswordChecksAreSaturatedTheAnswerIsToRetryInAMoment() {
        // The real check says busy only under a flood of bcrypt work; the verdict is what matters here.
        authenticator = Authenticator.builder(AuthMode.USERS)
                .passwords((client, user, password) -> PasswordVerifier.Verdict.BUSY)
                .sessions(new Sessions())
                .build();
        gate = gate(authenticator, ServerConfig.builder().authMode(AuthMode.NONE).command(List.of("true")).host("127.0.0.1")
                .port(7681).build());
        Gate.Refusal busy = gate.check(withAuthorization(RIGHT), ADDRESS, Optional.empty()).refusal();
        assertEquals(new Gate.Refusal(Status.SERVICE_UNAVAILABLE_503, "the server is busy checking passwords; retry in a moment", 1),
                busy);
    }

    // ---- the server as the test builds it ----

    private void tokenServer() {
        build(ServerConfig.builder().authMode(AuthMode.TOKEN));
    }

    private void basicServer() {
        build(ServerConfig.builder().authMode(AuthMode.BASIC).credential(Optional.of("ann:secret-pass")).loginLimits(TWO_GUESSES));
    }

    private void build(ServerConfig.Builder config) {
        ServerConfig built = config.command(List.of("true")).host("127.0.0.1").port(7681).build();
        authenticator = Logins.authenticator(built, accessToken::set);
        gate = gate(authenticator, built);
    }

    private static Gate gate(Authenticator authenticator, ServerConfig built) {
        return new Gate(authenticator, new HostPolicy(built.host(), built.hosts().allowed(), built::port, false),
                new OriginPolicy(built.allowedOrigins()), new SessionCookie(built.basePath(), false), false);
    }

    /** Logs in with the access token, as the login page does, and sends the session cookie along. */
    private String withSession(WritableHeaders<?> headers) {
        Authenticator.LoginOutcome outcome = authenticator.loginWithToken(accessToken.get(), ADDRESS);
        String session = ((Authenticator.LoginOutcome.Success) outcome).sessionId();
        headers.set(HeaderNames.COOKIE, "theme=dark; cloudterm_session=" + session);
        return session;
    }

    private static WritableHeaders<?> request(String host, String origin) {
        WritableHeaders<?> headers = WritableHeaders.create();
        if (host != null) {
            headers.set(HeaderNames.HOST, host);
        }
        if (origin != null) {
            headers.set(HeaderNames.ORIGIN, origin);
        }
        return headers;
    }

    private static WritableHeaders<?> withAuthorization(String authorization) {
        WritableHeaders<?> headers = request(OWN_HOST, OWN_ORIGIN);
        headers.set(HeaderNames.AUTHORIZATION, authorization);
        return headers;
    }

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRefused(Gate.Decision decision, int status, String reason) {
        Gate.Refusal refusal = decision.refusal();
        assertNotNull(refusal, "allowed, as " + decision.who());
        assertNull(decision.who());
        assertEquals(status, refusal.status().code(), refusal.toString());
        assertEquals(reason, refusal.reason());
        assertEquals(0, refusal.retryAfterSeconds(), "retrying will not help");
    }
}
