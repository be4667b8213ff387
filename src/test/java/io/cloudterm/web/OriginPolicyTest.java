package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which browser pages may act on the server: its own, the operator's allowed ones, and no other. */
class OriginPolicyTest {

    private static final String HOST = "127.0.0.1:7681";

    private final OriginPolicy ownOnly = new OriginPolicy(Set.of());

    @Test
    void theServersOwnOriginPasses() {
        assertTrue(ownOnly.permits("http://127.0.0.1:7681", HOST, false, "same-origin"));
        assertTrue(ownOnly.permits("https://127.0.0.1:7681", HOST, true, "same-origin"));
    }

    @Test
    void theOwnOriginIsComparedWithTheSchemeTheServerSpeaks() {
        assertFalse(ownOnly.permits("http://127.0.0.1:7681", HOST, true, null), "a plain-HTTP page of the same host and port");
        assertFalse(ownOnly.permits("https://127.0.0.1:7681", HOST, false, null));
    }

    @Test
    void anotherSitesPageIsRefused() {
        assertFalse(ownOnly.permits("http://evil.example", HOST, false, "cross-site"));
        assertFalse(ownOnly.permits("http://127.0.0.1:7682", HOST, false, "same-site"), "another port is another origin");
        assertFalse(ownOnly.permits("http://evil.example:7681", HOST, false, null),
                "the Sec-Fetch-Site header is not needed to refuse");
    }

    @Test
    void aRequestWithoutOriginIsNotFromAPageAndPasses() {
        assertTrue(ownOnly.permits(null, HOST, false, null));
    }

    @Test
    void originNullPassesOnlyWhenTheBrowserSaysSameOrigin() {
        // A same-origin form POST under Referrer-Policy: no-referrer; a sandboxed frame sends the same "null".
        assertTrue(ownOnly.permits("null", HOST, false, "same-origin"));
        assertFalse(ownOnly.permits("null", HOST, false, "cross-site"));
        assertFalse(ownOnly.permits("null", HOST, false, "same-site"));
        assertFalse(ownOnly.permits("null", HOST, false, null), "no browser sends a bare null without Sec-Fetch-Site");
    }

    @Test
    void anAllowedOriginPassesWrittenAnyWay() {
        OriginPolicy policy = new OriginPolicy(Set.of("https://Term.Example.COM/"));
        assertTrue(policy.permits("https://term.example.com", HOST, false, "cross-site"));
        assertTrue(policy.permits("https://term.example.com:443", HOST, false, "cross-site"), "the default port is no port");
        assertTrue(policy.permits("HTTPS://TERM.EXAMPLE.COM/", HOST, false, "cross-site"));
        assertFalse(policy.permits("http://term.example.com", HOST, false, "cross-site"), "another scheme is another origin");
        assertFalse(policy.permits("https://term.example.com:8443", HOST, false, "cross-site"));
    }

    @Test
    void theDefaultPortIsNoPortForTheOwnOriginToo() {
        assertTrue(ownOnly.permits("http://localhost:80", "localhost", false, "same-origin"));
        assertTrue(ownOnly.permits("https://localhost", "localhost:443", true, "same-origin"));
    }

    @Test
    void aStarAllowsEveryOrigin() {
        OriginPolicy any = new OriginPolicy(Set.of("*"));
        assertTrue(any.permits("http://evil.example", HOST, false, "cross-site"));
        assertTrue(any.permits("null", HOST, false, "cross-site"));
    }

    @Test
    void withoutAHostOnlyAllowedOriginsPass() {
        OriginPolicy policy = new OriginPolicy(Set.of("https://portal.example"));
        assertFalse(policy.permits("http://127.0.0.1:7681", null, false, "same-origin"), "nothing to be the same origin as");
        assertTrue(policy.permits("https://portal.example", null, false, "cross-site"));
    }
}
