package io.cloudterm.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys of gateway mode: an Ed25519 key pair. The gateway signs with the private key
 * ({@code --gateway-key}, a file private to its owner); hosts check with the public key
 * ({@code --trust-gateway}, one or two, so that a key can be changed without a moment where the
 * two sides disagree). Hosts hold no secret: a program in a host's terminal, which runs as the
 * host's user and can read whatever the host reads, finds nothing there to sign itself in with.
 * Both files are PEM, as {@link #HOW_TO_MAKE_ONE} writes them.
 */
public final class GatewayKeys {

    /** The commands that make the pair, for messages and docs. */
    public static final String HOW_TO_MAKE_ONE = "openssl genpkey -algorithm ed25519 -out gateway.key; chmod 600 gateway.key;"
            + " openssl pkey -in gateway.key -pubout -out gateway.pub";
    private static final String ALGORITHM = "Ed25519";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private final Optional<PrivateKey> signing;
    private final List<PublicKey> accepted;

    private GatewayKeys(Optional<PrivateKey> signing, List<PublicKey> accepted) {
        this.signing = signing;
        this.accepted = accepted;
    }

    /**
     * The gateway's private key from {@code file} (PEM, PKCS #8); {@code name} says which file in
     * messages. Throws {@link IllegalArgumentException} with a message for the command line if it
     * cannot be used (missing, readable by others, not one Ed25519 private key).
     */
    public static GatewayKeys signing(Path file, String name) {
        List<String> lines = PrivateFile.readLines(file, name);
        List<byte[]> blocks = blocks(String.join("\n", lines), "PRIVATE KEY", name);
        if (blocks.size() != 1) {
            throw new IllegalArgumentException(name + " holds " + (blocks.isEmpty() ? "no private key" : blocks.size() + " private keys")
                    + "; it holds the gateway's one Ed25519 private key, made with: " + HOW_TO_MAKE_ONE);
        }
        try {
            return new GatewayKeys(Optional.of(KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(blocks.getFirst()))),
                    List.of());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(name + " is not an Ed25519 private key; make one with: " + HOW_TO_MAKE_ONE);
        }
    }

    /**
     * The public keys a host accepts from {@code file} (PEM, one or two); {@code name} says which
     * file in messages. Throws {@link IllegalArgumentException} with a message for the command line
     * if it cannot be used; a private key there is refused (hosts must not hold it).
     */
    public static GatewayKeys trusted(Path file, String name) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(name + " is not a file");
        } catch (IOException e) {
            throw new IllegalArgumentException(name + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (!blocks(text, "PRIVATE KEY", name).isEmpty()) {
            throw new IllegalArgumentException(name + " holds a private key: hosts take the gateway's public key only"
                    + " (openssl pkey -in gateway.key -pubout -out gateway.pub)");
        }
        List<byte[]> blocks = blocks(text, "PUBLIC KEY", name);
        if (blocks.isEmpty() || blocks.size() > 2) {
            throw new IllegalArgumentException(name + " holds " + blocks.size() + " public keys; it holds the gateway's"
                    + " (or two while changing keys), made with: " + HOW_TO_MAKE_ONE);
        }
        List<PublicKey> keys = new ArrayList<>();
        for (byte[] block : blocks) {
            try {
                keys.add(KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(block)));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(name + " holds a public key that is not Ed25519; make the pair with: " + HOW_TO_MAKE_ONE);
            }
        }
        return new GatewayKeys(Optional.empty(), List.copyOf(keys));
    }

    /** The DER of each PEM block of {@code type} in {@code text}. */
    private static List<byte[]> blocks(String text, String type, String name) {
        List<byte[]> blocks = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                try {
                    blocks.add(Base64.getMimeDecoder().decode(m.group(2)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(name + ": a " + type.toLowerCase(java.util.Locale.ROOT) + " that is not base64");
                }
            }
        }
        return blocks;
    }

    /** The key the gateway signs with. */
    PrivateKey signingKey() {
        return signing.orElseThrow(() -> new IllegalStateException("public keys check identities; only a private key signs them"));
    }

    /** Every key a host accepts. */
    List<PublicKey> accepted() {
        return accepted;
    }

    /** What kind of keys, never what they are. */
    @Override
    public String toString() {
        return signing.isPresent() ? "GatewayKeys[private]" : "GatewayKeys[" + accepted.size() + " public]";
    }
}
