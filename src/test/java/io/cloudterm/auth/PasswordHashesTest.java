package io.cloudterm.auth;

import static io.cloudterm.auth.HashesFromOtherTools.x;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mindrot.jbcrypt.BCrypt;

/** bcrypt as the users file needs it: the three variants, the 72-byte rule, hashes jBCrypt agrees with. */
class PasswordHashesTest {

    @ParameterizedTest
    @ValueSource(strings = {"correct horse battery staple", "pässwörd €", "x"})
    void ourHashIsJBCryptsHashOfTheSameSaltUnderThe2yName(String password) {
        String ours = PasswordHashes.hash(password.toCharArray(), 4);
        assertTrue(ours.startsWith("$2y$04$"), ours);
        String salt = ours.substring(7, 29);
        assertEquals(BCrypt.hashpw(password, "$2a$04$" + salt).substring(4), ours.substring(4));
        assertTrue(BCrypt.checkpw(password, "$2a$" + ours.substring(4)));
    }

    @Test
    void hashesOfAllThreeVariantsFromOtherToolsMatchTheirPasswords() {
        assertTrue(PasswordHashes.matches("y-secret".toCharArray(), HashesFromOtherTools.YVONNE), "$2y$ from htpasswd");
        assertTrue(PasswordHashes.matches("pässwörd".toCharArray(), HashesFromOtherTools.EVE), "$2y$, UTF-8");
        assertTrue(PasswordHashes.matches("a-secret".toCharArray(), HashesFromOtherTools.ANNA), "$2a$ from libxcrypt");
        assertTrue(PasswordHashes.matches("b-secret".toCharArray(), HashesFromOtherTools.BOB), "$2b$ from libxcrypt");
    }

    @Test
    void aWrongPasswordDoesNotMatch() {
        assertFalse(PasswordHashes.matches("y-secreT".toCharArray(), HashesFromOtherTools.YVONNE));
        assertFalse(PasswordHashes.matches("b-secret".toCharArray(), HashesFromOtherTools.ANNA));
        assertFalse(PasswordHashes.matches("passwörd".toCharArray(), HashesFromOtherTools.EVE));
    }

    @Test
    void aPasswordOverSeventyTwoBytesNeverMatchesEvenWhenItsFirstSeventyTwoDo() {
        assertTrue(PasswordHashes.matches(x(72), HashesFromOtherTools.X72), "72 bytes is bcrypt's whole key");
        assertFalse(PasswordHashes.matches(x(73), HashesFromOtherTools.X72), "bcrypt alone would say yes here");
        assertFalse(PasswordHashes.matches(x(73), HashesFromOtherTools.X73), "not even the password htpasswd cut");
        String euros = "€".repeat(24); // 72 bytes in UTF-8, 24 chars
        assertTrue(PasswordHashes.matches(euros.toCharArray(), PasswordHashes.hash(euros.toCharArray(), 4)));
        assertFalse(PasswordHashes.matches((euros + "x").toCharArray(), PasswordHashes.hash(euros.toCharArray(), 4)));
    }

    @Test
    void hashingRefusesWhatCouldNotBeCheckedTheSameEverywhere() {
        assertRefused("the password is empty", "");
        assertRefused("over 72 bytes", "x".repeat(73));
        assertRefused("over 72 bytes", "é".repeat(37)); // 37 chars, 74 bytes
        assertRefused("NUL", "abc\0def");
        assertRefused("not valid Unicode", "abc\uD800");
        assertThrows(IllegalArgumentException.class, () -> PasswordHashes.hash("ok".toCharArray(), 3));
        assertThrows(IllegalArgumentException.class, () -> PasswordHashes.hash("ok".toCharArray(), 18));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "y-secret", "$2x$04$FPWbWy84GG.ZZxfVAHH.BeTKvVp.kFk8ME8B3ZFVzkwqbZdB/58pG",
            "$2y$04$FPWbWy84GG.ZZxfVAHH.BeTKvVp.kFk8ME8B3ZFVzkwqbZdB/58p", "$2y$4$FPWbWy84GG.ZZxfVAHH.BeTKvVp.kFk8ME8B3ZFVzkwqbZdB/58pG",
            "$2y$31$FPWbWy84GG.ZZxfVAHH.BeTKvVp.kFk8ME8B3ZFVzkwqbZdB/58pG", "$1$abcdefgh$abcdefghijklmnopqrstuv"})
    void aMalformedHashMatchesNothing(String hash) {
        assertFalse(PasswordHashes.matches("y-secret".toCharArray(), hash));
        assertFalse(PasswordHashes.matches(hash.isEmpty() ? "x".toCharArray() : hash.toCharArray(), hash));
    }

    @Test
    void theUnknownUserHashHasTheCostAskedAndMatchesNothing() {
        BcryptHash unmatchable = BcryptHash.unmatchable(4);
        assertEquals(4, unmatchable.cost());
        assertFalse(PasswordHashes.matches(PasswordHashes.key("a".toCharArray()), unmatchable));
        assertEquals(12, BcryptHash.unmatchable(12).cost());
    }

    @Test
    void aHashNeverShowsItsDigestInAString() {
        BcryptHash hash = BcryptHash.parse(HashesFromOtherTools.YVONNE).orElseThrow();
        assertFalse(hash.toString().contains("$2"), hash.toString());
        assertEquals(HashesFromOtherTools.YVONNE, hash.format());
    }

    private static void assertRefused(String why, String password) {
        var e = assertThrows(IllegalArgumentException.class, () -> PasswordHashes.hash(password.toCharArray(), 4));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
