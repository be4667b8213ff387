package io.cloudterm.auth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The secret a gateway and its hosts share ({@code --gateway-key}, {@code --trust-gateway}): a file
 * of one or two lines, each one key. The gateway signs with the first; a host accepts either, so
 * a key can be changed without a moment where the two sides disagree.
 *
 * <p>A key is at least 32 random bytes written in base64 ({@link #HOW_TO_MAKE_ONE}); blank lines
 * and the spaces around a key are ignored. To change keys: give the hosts both (new and old, in
 * either order), then the gateway the new one alone, then the hosts the new one alone.
 *
 * <p>The file must be private to its owner, like a credential file. The keys are held as bytes,
 * never printed: not by {@link #toString()}, not in a message.
 */
public final class GatewayKeys {

    /** The least a key may hold: HMAC-SHA-256's own output size, so the key is not the weak link. */
    public static final int MINIMUM_BYTES = 32;

    /** The command that makes a key file, for messages and docs. */
    public static final String HOW_TO_MAKE_ONE = "head -c 32 /dev/urandom | base64 > gateway.key; chmod 600 gateway.key";

    private final List<byte[]> keys;

    private GatewayKeys(List<byte[]> keys) {
        this.keys = keys;
    }

    /**
     * Reads {@code file}. Throws {@link IllegalArgumentException} with a message for the command
     * line if it cannot be used (missing, readable by others, empty, a key too short, more than two).
     */
    public static GatewayKeys read(Path file) throws IOException {
        return read(file, "gateway key file " + file);
    }

    /** As {@link #read(Path)}; {@code name} says which file in messages (e.g. "--trust-gateway /etc/ct/gateway.key"). */
    public static GatewayKeys read(Path file, String name) throws IOException {
        List<String> lines = PrivateFile.readLines(file, name).stream().map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(name + " holds no key; make one with: " + HOW_TO_MAKE_ONE);
        }
        if (lines.size() > 2) {
            throw new IllegalArgumentException(name + " holds " + lines.size()
                    + " keys; it holds one, or two while changing keys (the gateway signs with the first)");
        }
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            keys.add(decode(lines.get(i), name, i + 1));
        }
        return new GatewayKeys(List.copyOf(keys));
    }

    /** A key's bytes from its line; the line is never quoted (it may be the key itself, or another secret pasted there). */
    private static byte[] decode(String line, String name, int number) {
        byte[] key;
        try {
            key = (line.indexOf('-') >= 0 || line.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": key " + number + " is not base64; make one with: " + HOW_TO_MAKE_ONE);
        }
        if (key.length < MINIMUM_BYTES) {
            throw new IllegalArgumentException(name + ": key " + number + " holds " + key.length + " bytes, fewer than "
                    + MINIMUM_BYTES + "; make one with: " + HOW_TO_MAKE_ONE);
        }
        return key;
    }

    /** The key the gateway signs with: the first. */
    byte[] signing() {
        return keys.getFirst();
    }

    /** Every key a host accepts. */
    List<byte[]> accepted() {
        return keys;
    }

    /** How many keys, never what they are. */
    @Override
    public String toString() {
        return "GatewayKeys[" + keys.size() + (keys.size() == 1 ? " key]" : " keys]");
    }
}
