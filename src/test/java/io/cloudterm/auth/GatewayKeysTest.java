package io.cloudterm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayKeysTest {

    private static final String KEY_A = KeyFiles.key(32, 'A');
    private static final String KEY_B = KeyFiles.key(48, 'B');

    @TempDir
    Path dir;

    @Test
    void oneKeyWithItsTrailingNewlineIsRead() throws Exception {
        GatewayKeys keys = GatewayKeys.read(KeyFiles.write(dir, "gateway.key", KEY_A + "\n"));
        assertEquals(1, keys.accepted().size());
        assertTrue(java.util.Arrays.equals(Base64.getDecoder().decode(KEY_A), keys.signing()));
    }

    @Test
    void twoKeysAreReadInOrderAndBlankLinesAndSpacesDoNotCount() throws Exception {
        GatewayKeys keys = GatewayKeys.read(KeyFiles.write(dir, "gateway.key", "\n  " + KEY_B + " \n\n" + KEY_A + "\r\n\n"));
        assertEquals(2, keys.accepted().size());
        assertTrue(java.util.Arrays.equals(Base64.getDecoder().decode(KEY_B), keys.signing()), "the first signs");
        assertTrue(java.util.Arrays.equals(Base64.getDecoder().decode(KEY_A), keys.accepted().get(1)));
    }

    @Test
    void aKeyInUrlSafeBase64IsReadToo() throws Exception {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) 0xfb);
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        assertTrue(urlSafe.contains("-") || urlSafe.contains("_"), urlSafe);
        assertTrue(java.util.Arrays.equals(key, GatewayKeys.read(KeyFiles.write(dir, "k", urlSafe)).signing()));
    }

    @Test
    void theKeysAreNeverPrinted() throws Exception {
        GatewayKeys keys = GatewayKeys.read(KeyFiles.write(dir, "gateway.key", KEY_A + "\n" + KEY_B));
        assertEquals("GatewayKeys[2 keys]", keys.toString());
    }

    @Test
    void aMissingFileIsRefused() {
        Path missing = dir.resolve("missing.key");
        assertEquals("--trust-gateway " + missing + " is not a file",
                assertThrows(IllegalArgumentException.class, () -> GatewayKeys.read(missing, "--trust-gateway " + missing)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r-----", "rw----r--", "rw-rw----", "rw------x", "rw---x---"})
    void aFileOthersMayTouchIsRefusedWithTheChmodThatFixesIt(String permissions) throws Exception {
        Path file = KeyFiles.write(dir, "gateway.key", KEY_A);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        String message = assertThrows(IllegalArgumentException.class, () -> GatewayKeys.read(file)).getMessage();
        assertEquals("gateway key file " + file + " can be read or changed by other users; run: chmod 600 " + file, message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "  \n\n \n"})
    void aFileWithoutAKeySaysHowToMakeOne(String content) {
        Path file = KeyFiles.write(dir, "gateway.key", content);
        assertEquals("gateway key file " + file + " holds no key; make one with: "
                        + "head -c 32 /dev/urandom | base64 > gateway.key; chmod 600 gateway.key",
                assertThrows(IllegalArgumentException.class, () -> GatewayKeys.read(file)).getMessage());
    }

    @Test
    void threeKeysAreRefused() {
        Path file = KeyFiles.write(dir, "gateway.key", KEY_A + "\n" + KEY_B + "\n" + KEY_A + "\n");
        assertEquals("gateway key file " + file + " holds 3 keys; it holds one, or two while changing keys (the gateway signs with the first)",
                assertThrows(IllegalArgumentException.class, () -> GatewayKeys.read(file)).getMessage());
    }

    @Test
    void aShortKeyIsRefused() {
        Path file = KeyFiles.write(dir, "gateway.key", KEY_A + "\n" + KeyFiles.key(31, 'C') + "\n");
        assertEquals("gateway key file " + file + ": key 2 holds 31 bytes, fewer than 32; make one with: "
                        + "head -c 32 /dev/urandom | base64 > gateway.key; chmod 600 gateway.key",
                assertThrows(IllegalArgumentException.class, () -> GatewayKeys.read(file)).getMessage());
    }

    @Test
    void aLineThatIsNotBase64IsRefusedWithoutBeingQuoted() {
        String password = "correct horse battery staple, not a key!";
        Path file = KeyFiles.write(dir, "gateway.key", password);
        String message = assertThrows(IllegalArgumentException.class, () -> GatewayKeys.read(file)).getMessage();
        assertEquals("gateway key file " + file + ": key 1 is not base64; make one with: "
                + "head -c 32 /dev/urandom | base64 > gateway.key; chmod 600 gateway.key", message);
        assertFalse(message.contains("horse"));
    }
}
