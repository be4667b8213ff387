package io.cloudterm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway signs who a request is from; a host takes it once, in time, from a key it trusts. */
class IdentityTest {

    private static final KeyFiles.Pair KEY_A = KeyFiles.pair();
    private static final KeyFiles.Pair KEY_B = KeyFiles.pair();
    private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
    private static final String HOST = "10.0.0.1:7681";

    @TempDir
    Path dir;

    private final MovingClock gatewayClock = new MovingClock(NOW);
    private final MovingClock hostClock = new MovingClock(NOW);

    private IdentitySigner signer(KeyFiles.Pair key) {
        return new IdentitySigner(KeyFiles.signing(dir, "gateway.key", key), gatewayClock);
    }

    private IdentityVerifier verifier(KeyFiles.Pair... keys) {
        return new IdentityVerifier(KeyFiles.trusted(dir, "gateway.pub", keys), hostClock);
    }

    @Test
    void aSignedIdentityReadsBackAsItWasSigned() throws Exception {
        GatewayIdentity identity = verifier(KEY_A).verify(signer(KEY_A).sign("alice", "t-42", HOST));
        assertEquals("alice", identity.user());
        assertEquals("t-42", identity.terminal());
        assertEquals(HOST, identity.host());
        assertEquals(NOW.plusSeconds(20), identity.expires());
        assertEquals(22, identity.nonce().length());
    }

    @Test
    void aUserNameOutsideAsciiAndANewTerminalTravel() throws Exception {
        GatewayIdentity identity = verifier(KEY_A).verify(signer(KEY_A).sign("zoë.müller@example.org", "", HOST));
        assertEquals("zoë.müller@example.org", identity.user());
        assertEquals("", identity.terminal());
    }

    @Test
    void aVisitorHasNoUserAndOnlyANamedTerminal() throws Exception {
        GatewayIdentity visitor = verifier(KEY_A).verify(signer(KEY_A).sign("", "t-42", HOST));
        assertTrue(visitor.visitor());
        assertEquals("t-42", visitor.terminal());
        assertEquals("a visitor (no user) must name a terminal",
                assertThrows(IllegalArgumentException.class, () -> signer(KEY_A).sign("", "", HOST)).getMessage());
        // Written by a key holder all the same: the host refuses it.
        String payload = "\n\n" + HOST + "\n" + NOW.plusSeconds(20).getEpochSecond() + "\n" + "A".repeat(22);
        String signed = "v1." + IdentityWire.base64(payload.getBytes(StandardCharsets.UTF_8));
        assertRefused(verifier(KEY_A), signed + "." + IdentityWire.base64(IdentityWire.signature(KEY_A.keys().getPrivate(), signed)),
                "malformed identity payload");
    }

    /** The wire format, as a host written in another language would read it. */
    @Test
    void theHeaderIsVersionPayloadAndTheSignatureOfWhatPrecedesIt() throws Exception {
        String header = signer(KEY_A).sign("alice", "", HOST);
        String[] parts = header.split("\\.", -1);
        assertEquals(3, parts.length, header);
        assertEquals("v1", parts[0]);
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String[] fields = payload.split("\n", -1);
        assertEquals("alice\n\n" + HOST + "\n" + NOW.plusSeconds(20).getEpochSecond() + "\n", payload.substring(0, payload.lastIndexOf('\n') + 1));
        assertEquals(16, Base64.getUrlDecoder().decode(fields[4]).length, "a nonce of 16 bytes");
        java.security.Signature check = java.security.Signature.getInstance("Ed25519");
        check.initVerify(KEY_A.keys().getPublic());
        check.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(check.verify(Base64.getUrlDecoder().decode(parts[2])), "an Ed25519 signature of version and payload");
        assertFalse(parts[1].contains("=") || parts[2].contains("="), "no padding");
    }

    @Test
    void eachIdentityHasANonceOfItsOwn() {
        IdentitySigner signer = signer(KEY_A);
        assertFalse(signer.sign("alice", "", HOST).equals(signer.sign("alice", "", HOST)));
    }

    @Test
    void aChangedPayloadIsRefused() throws Exception {
        String header = signer(KEY_A).sign("alice", "", HOST);
        String[] parts = header.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String mallory = Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("alice", "admin").getBytes(StandardCharsets.UTF_8));
        assertRefused(verifier(KEY_A), parts[0] + "." + mallory + "." + parts[2], "bad identity signature");
    }

    @Test
    void aChangedSignatureIsRefused() {
        String header = signer(KEY_A).sign("alice", "", HOST);
        char last = header.charAt(header.length() - 10);
        String changed = header.substring(0, header.length() - 10) + (last == 'A' ? 'B' : 'A') + header.substring(header.length() - 9);
        assertRefused(verifier(KEY_A), changed, "bad identity signature");
    }

    @Test
    void anotherVersionIsRefusedEvenWithARightSignature() {
        String header = signer(KEY_A).sign("alice", "", HOST);
        String payload = header.split("\\.")[1];
        String signed = "v2." + payload;
        String v2 = signed + "." + IdentityWire.base64(IdentityWire.signature(KEY_A.keys().getPrivate(), signed));
        assertRefused(verifier(KEY_A), v2, "unknown identity version");
        assertRefused(verifier(KEY_A), "v2" + header.substring(2), "unknown identity version");
    }

    @Test
    void anIdentitySignedWithAnotherKeyIsRefused() {
        assertRefused(verifier(KEY_A), signer(KEY_B).sign("alice", "", HOST), "bad identity signature");
    }

    /** Changing keys: hosts trust old and new, the gateway signs with the new, then hosts drop the old. */
    @Test
    void aHostTrustingTwoKeysTakesEither() throws Exception {
        assertEquals("alice", verifier(KEY_A, KEY_B).verify(signer(KEY_B).sign("alice", "", HOST)).user());
        assertEquals("alice", verifier(KEY_A, KEY_B).verify(signer(KEY_A).sign("alice", "", HOST)).user());
        assertEquals("alice", verifier(KEY_B, KEY_A).verify(signer(KEY_B).sign("alice", "", HOST)).user());
        assertEquals("alice", verifier(KEY_B, KEY_A).verify(signer(KEY_A).sign("alice", "", HOST)).user());
        assertRefused(verifier(KEY_B), signer(KEY_A).sign("alice", "", HOST), "bad identity signature");
    }

    @Test
    void anIdentityHoldsUntilFiveSecondsPastItsExpiry() throws Exception {
        IdentitySigner signer = signer(KEY_A);
        IdentityVerifier verifier = verifier(KEY_A);
        String onTime = signer.sign("alice", "", HOST);
        String late = signer.sign("alice", "", HOST);
        hostClock.advance(Duration.ofSeconds(25));
        assertEquals("alice", verifier.verify(onTime).user(), "expiry + 5 s is still in time");
        hostClock.advance(Duration.ofMillis(1));
        assertRefused(verifier, late, "identity expired");
    }

    @Test
    void anIdentityExpiringMoreThanThirtySecondsAheadIsRefused() throws Exception {
        IdentityVerifier verifier = verifier(KEY_A);
        gatewayClock.advance(Duration.ofSeconds(10));
        assertEquals("alice", verifier.verify(signer(KEY_A).sign("alice", "", HOST)).user(), "a gateway clock 10 s ahead");
        gatewayClock.advance(Duration.ofSeconds(1));
        assertRefused(verifier, signer(KEY_A).sign("alice", "", HOST), "identity expires too far ahead");
    }

    @Test
    void anIdentityIsTakenOnce() throws Exception {
        IdentityVerifier verifier = verifier(KEY_A);
        String header = signer(KEY_A).sign("alice", "", HOST);
        verifier.verify(header);
        assertRefused(verifier, header, "identity replayed");
        hostClock.advance(Duration.ofSeconds(25));
        assertRefused(verifier, header, "identity replayed");
        hostClock.advance(Duration.ofSeconds(1));
        assertRefused(verifier, header, "identity expired");
    }

    @Test
    void aFullVerifierRefusesNewIdentitiesRatherThanForgetATakenOne() throws Exception {
        IdentityVerifier verifier = new IdentityVerifier(KeyFiles.trusted(dir, "gateway.pub", KEY_A), hostClock, 2);
        IdentitySigner signer = signer(KEY_A);
        String first = signer.sign("alice", "", HOST);
        verifier.verify(first);
        verifier.verify(signer.sign("bob", "", HOST));
        assertRefused(verifier, signer.sign("carol", "", HOST), "too many identities in flight");
        assertRefused(verifier, first, "identity replayed");

        // Once the ones taken could no longer be used anyway, they are forgotten and there is room.
        gatewayClock.advance(Duration.ofSeconds(26));
        hostClock.advance(Duration.ofSeconds(26));
        assertEquals("carol", verifier.verify(signer.sign("carol", "", HOST)).user());
        assertEquals("dave", verifier.verify(signer.sign("dave", "", HOST)).user());
        assertRefused(verifier, signer.sign("erin", "", HOST), "too many identities in flight");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "al\nice", "al\u0000ice", "alice\u007f", "al\u0085ice", "al\ud800ice"})
    void theSignerRefusesABlankUserOrOneWithControlCharacters(String user) {
        assertThrows(IllegalArgumentException.class, () -> signer(KEY_A).sign(user, "", HOST));
    }

    @Test
    void theSignerRefusesControlCharactersAnywhereAndIdentitiesTooLongForAHost() {
        IdentitySigner signer = signer(KEY_A);
        assertEquals("the terminal holds a control character",
                assertThrows(IllegalArgumentException.class, () -> signer.sign("alice", "t\n1", HOST)).getMessage());
        assertEquals("the host holds a control character",
                assertThrows(IllegalArgumentException.class, () -> signer.sign("alice", "", HOST + "\r")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> signer.sign("a".repeat(3000), "", HOST))
                .getMessage().contains("more than the 4096 a host takes"));
    }

    /** What a signer of ours would never write, but a key holder might: the host still refuses it. */
    @ParameterizedTest
    @ValueSource(strings = {" ", "al\u0001ice", "alice\nextra"})
    void aRightlySignedPayloadWithABadUserIsRefused(String user) {
        String payload = user + "\n\n" + HOST + "\n" + NOW.plusSeconds(20).getEpochSecond() + "\n" + "A".repeat(22);
        String signed = "v1." + IdentityWire.base64(payload.getBytes(StandardCharsets.UTF_8));
        String header = signed + "." + IdentityWire.base64(IdentityWire.signature(KEY_A.keys().getPrivate(), signed));
        assertRefused(verifier(KEY_A), header, "malformed identity payload");
    }

    @Test
    void aRightlySignedPayloadThatIsNotBase64IsRefused() {
        String signed = "v1.a";
        String header = signed + "." + IdentityWire.base64(IdentityWire.signature(KEY_A.keys().getPrivate(), signed));
        assertRefused(verifier(KEY_A), header, "malformed identity payload");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v1.", "v1..", "v1.abc", "v1.a.b.c", "v1.YWJj.!!", "v1.YWJj.YWJj", "v1.YWJj.YW=j",
            "v1.YWJj.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "v1 .YWJj.AAAA", "v1.YWJj.A", "..."})
    void aMalformedIdentityIsRefused(String header) {
        assertRefused(verifier(KEY_A), header, "malformed identity");
    }

    @Test
    void aHugeIdentityIsRefusedBeforeItIsRead() {
        assertRefused(verifier(KEY_A), "v1." + "A".repeat(1 << 20) + ".AAAA", "identity too long");
        assertRefused(verifier(KEY_A), "x".repeat(4097), "identity too long");
        assertRefused(verifier(KEY_A), null, "no identity");
    }

    /** A refusal's reason goes to the log and the 401: it holds neither key nor signature. */
    private static void assertRefused(IdentityVerifier verifier, String header, String reason) {
        IdentityVerifier.Refused refused = assertThrows(IdentityVerifier.Refused.class, () -> verifier.verify(header));
        assertEquals(reason, refused.getMessage());
        if (header != null && header.lastIndexOf('.') >= 0) {
            String signature = header.substring(header.lastIndexOf('.') + 1);
            assertTrue(signature.length() < 4 || !refused.getMessage().contains(signature), "the reason quotes the signature");
        }
        assertFalse(refused.getMessage().contains("KEY-----"), "the reason quotes a key");
    }
}
