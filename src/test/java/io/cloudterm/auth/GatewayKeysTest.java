package io.cloudterm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway's private key and the hosts' public keys, read from the files an operator makes. */
class GatewayKeysTest {

    private static final KeyFiles.Pair A = KeyFiles.pair();
    private static final KeyFiles.Pair B = KeyFiles.pair();

    @TempDir
    Path dir;

    /** The files the documented openssl commands write are the ones the server reads, and they work together. */
    @Test
    void aPairMadeByTheDocumentedOpensslCommandsSignsAndChecks() throws Exception {
        Process openssl = new ProcessBuilder("sh", "-c", GatewayKeys.HOW_TO_MAKE_ONE).directory(dir.toFile())
                .redirectErrorStream(true).start();
        assertTrue(openssl.waitFor(30, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, openssl.exitValue(), new String(openssl.getInputStream().readAllBytes()));
        GatewayKeys signing = GatewayKeys.signing(dir.resolve("gateway.key"), "--gateway-key gateway.key");
        GatewayKeys trusted = GatewayKeys.trusted(dir.resolve("gateway.pub"), "--trust-gateway gateway.pub");
        String header = new IdentitySigner(signing).sign("alice", "", "10.0.0.1:7681");
        assertEquals("alice", new IdentityVerifier(trusted).verify(header).user());
    }

    @Test
    void aHostTakesOneOrTwoPublicKeys() {
        assertEquals(1, KeyFiles.trusted(dir, "one.pub", A).accepted().size());
        GatewayKeys two = KeyFiles.trusted(dir, "two.pub", A, B);
        assertEquals(java.util.List.of(A.keys().getPublic(), B.keys().getPublic()), two.accepted());
    }

    @Test
    void theKeysAreNeverPrinted() {
        assertEquals("GatewayKeys[private]", KeyFiles.signing(dir, "gateway.key", A).toString());
        assertEquals("GatewayKeys[2 public]", KeyFiles.trusted(dir, "gateway.pub", A, B).toString());
    }

    @Test
    void aMissingFileIsRefused() {
        Path missing = dir.resolve("missing.key");
        assertEquals("--trust-gateway " + missing + " is not a file", assertThrows(IllegalArgumentException.class,
                () -> GatewayKeys.trusted(missing, "--trust-gateway " + missing)).getMessage());
        assertEquals("--gateway-key " + missing + " is not a file", assertThrows(IllegalArgumentException.class,
                () -> GatewayKeys.signing(missing, "--gateway-key " + missing)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r-----", "rw----r--", "rw-rw----", "rw------x", "rw---x---"})
    void aPrivateKeyOthersMayTouchIsRefusedWithTheChmodThatFixesIt(String permissions) throws Exception {
        Path file = KeyFiles.write(dir, "gateway.key", A.privatePem());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        assertEquals("--gateway-key " + file + " can be read or changed by other users; run: chmod 600 " + file,
                assertThrows(IllegalArgumentException.class, () -> GatewayKeys.signing(file, "--gateway-key " + file)).getMessage());
    }

    @Test
    void aPublicKeyMayBeReadByAnyone() throws Exception {
        Path file = KeyFiles.write(dir, "gateway.pub", A.publicPem());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(1, GatewayKeys.trusted(file, "--trust-gateway " + file).accepted().size());
    }

    /** A host holds nothing to sign with: given the private key by mistake, it refuses to start. */
    @Test
    void aHostGivenThePrivateKeyRefusesIt() {
        Path file = KeyFiles.write(dir, "gateway.key", A.privatePem() + A.publicPem());
        String message = assertThrows(IllegalArgumentException.class, () -> GatewayKeys.trusted(file, "--trust-gateway " + file))
                .getMessage();
        assertEquals("--trust-gateway " + file + " holds a private key: hosts take the gateway's public key only"
                + " (openssl pkey -in gateway.key -pubout -out gateway.pub)", message);
    }

    @Test
    void aGatewayGivenThePublicKeySaysHowToMakeThePair() {
        Path file = KeyFiles.write(dir, "gateway.pub", A.publicPem());
        assertEquals("--gateway-key " + file + " holds no private key; it holds the gateway's one Ed25519 private key, made with: "
                        + GatewayKeys.HOW_TO_MAKE_ONE,
                assertThrows(IllegalArgumentException.class, () -> GatewayKeys.signing(file, "--gateway-key " + file)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "not a key at all"})
    void aFileWithoutAPublicKeySaysHowToMakeOne(String content) {
        Path file = KeyFiles.write(dir, "gateway.pub", content);
        assertEquals("--trust-gateway " + file + " holds 0 public keys; it holds the gateway's (or two while changing keys),"
                        + " made with: " + GatewayKeys.HOW_TO_MAKE_ONE,
                assertThrows(IllegalArgumentException.class, () -> GatewayKeys.trusted(file, "--trust-gateway " + file)).getMessage());
    }

    @Test
    void threePublicKeysAreRefused() {
        Path file = KeyFiles.write(dir, "gateway.pub", A.publicPem() + B.publicPem() + A.publicPem());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayKeys.trusted(file, "--trust-gateway " + file))
                .getMessage().contains("holds 3 public keys"));
    }

    @Test
    void aKeyOfAnotherAlgorithmIsRefused() throws Exception {
        java.security.KeyPair rsa = java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair();
        Path file = KeyFiles.write(dir, "rsa.key", KeyFiles.pem("PRIVATE KEY", rsa.getPrivate().getEncoded()));
        assertEquals("--gateway-key " + file + " is not an Ed25519 private key; make one with: " + GatewayKeys.HOW_TO_MAKE_ONE,
                assertThrows(IllegalArgumentException.class, () -> GatewayKeys.signing(file, "--gateway-key " + file)).getMessage());
        Path pub = KeyFiles.write(dir, "rsa.pub", KeyFiles.pem("PUBLIC KEY", rsa.getPublic().getEncoded()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayKeys.trusted(pub, "--trust-gateway " + pub))
                .getMessage().contains("holds a public key that is not Ed25519"));
    }

    @Test
    void aBlockThatIsNotBase64IsRefusedWithoutBeingQuoted() {
        Path file = KeyFiles.write(dir, "gateway.key", "-----BEGIN PRIVATE KEY-----\nc29tZQ=x=\n-----END PRIVATE KEY-----\n");
        String message = assertThrows(IllegalArgumentException.class, () -> GatewayKeys.signing(file, "--gateway-key " + file))
                .getMessage();
        assertFalse(message.contains("c29tZQ"), message);
    }
}
