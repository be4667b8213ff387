package io.cloudterm.auth;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The secret a gateway and its hosts share ({@code --gateway-key}, {@code --trust-gateway}): a file
 * of one or two lines, each one key. The gateway signs with the first; a host accepts either, so
 * a key can be changed without a moment where the two sides disagree.
 */
public final class GatewayKeys {

    private GatewayKeys() {
    }

    /**
     * Reads {@code file}. Throws {@link IllegalArgumentException} with a message for the command
     * line if it cannot be used (missing, readable by others, empty, a key too short, more than two).
     */
    public static GatewayKeys read(Path file) throws IOException {
        throw new UnsupportedOperationException("to come");
    }
}
