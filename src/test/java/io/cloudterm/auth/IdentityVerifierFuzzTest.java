package io.cloudterm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * Any identity header a host is sent: it is taken or refused with a short reason, never an
 * exception of another kind (which would fail the request before the host has decided). The
 * bytes go in twice: as the whole header, which no fuzzer will sign, and as a payload signed with
 * the host's own key, as only a key holder could, so that what is read after the signature is fuzzed too.
 */
class IdentityVerifierFuzzTest {

    private static final KeyFiles.Pair KEY = KeyFiles.pair();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T03:00:00Z"), ZoneOffset.UTC);
    private static final GatewayKeys KEYS = keys();

    @FuzzTest
    // libFuzzer's dictionary format: one quoted entry a line, so a newline is written \x0a.
    @DictionaryEntries({"v1.", "alice\\x0a\\x0a10.0.0.1:7681\\x0a1796612420\\x0aAAAAAAAAAAAAAAAAAAAAAA", "\\x0a", "1796612420",
            "AAAAAAAAAAAAAAAAAAAAAA", "."})
    void anIdentityIsTakenOrRefusedWithAReason(byte[] input) {
        check(new String(input, StandardCharsets.ISO_8859_1));
        String signed = "v1." + Base64.getUrlEncoder().withoutPadding().encodeToString(input);
        check(signed + "." + IdentityWire.base64(IdentityWire.signature(KEY.keys().getPrivate(), signed)));
    }

    private static void check(String header) {
        IdentityVerifier verifier = new IdentityVerifier(KEYS, CLOCK);
        try {
            GatewayIdentity identity = verifier.verify(header);
            assertTrue(identity.visitor() ? !identity.terminal().isEmpty() : !identity.user().isBlank(),
                    "a blank user taken, or a visitor without a terminal");
            assertTrue((identity.user() + identity.terminal() + identity.host()).chars().noneMatch(Character::isISOControl),
                    "a control character taken");
            assertEquals(22, identity.nonce().length());
        } catch (IdentityVerifier.Refused refused) {
            assertFalse(refused.getMessage().isBlank(), "a refusal without a reason");
            assertTrue(refused.getMessage().length() < 40, "a reason that is not short: " + refused.getMessage());
            assertFalse(refused.getMessage().contains("KEY-----"), "a reason with the key");
        } catch (RuntimeException e) {
            throw new AssertionError("verifying threw", e);
        }
    }

    private static GatewayKeys keys() {
        try {
            Path dir = Files.createTempDirectory("identity-fuzz");
            Path file = KeyFiles.write(dir, "gateway.pub", KEY.publicPem());
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return GatewayKeys.trusted(file, "--trust-gateway " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
