package io.cloudterm.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** Gateway key files as an operator makes them with openssl: an Ed25519 pair in PEM, the private one chmod 600. */
public final class KeyFiles {

    /** A key pair and its two PEM texts. */
    public record Pair(KeyPair keys, String privatePem, String publicPem) {
    }

    private KeyFiles() {
    }

    /** A fresh Ed25519 pair. */
    public static Pair pair() {
        try {
            KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new Pair(keys, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** {@code content} in {@code dir/name}, readable by its owner only. */
    public static Path write(Path dir, String name, String content) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The gateway's side of {@code pair}, read from a file as the server reads it. */
    public static GatewayKeys signing(Path dir, String name, Pair pair) {
        return GatewayKeys.signing(write(dir, name, pair.privatePem()), name);
    }

    /** A host's trust in {@code pairs}' public keys, read from one file as the server reads it. */
    public static GatewayKeys trusted(Path dir, String name, Pair... pairs) {
        StringBuilder pems = new StringBuilder();
        for (Pair pair : pairs) {
            pems.append(pair.publicPem());
        }
        return GatewayKeys.trusted(write(dir, name, pems.toString()), name);
    }
}
