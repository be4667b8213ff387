package io.cloudterm.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A terminal's handle as the page sees it behind a gateway: the host's own handle with the host
 * named in front ({@code <host, base64url>.<handle>}), so that a reload, a second tab or a share
 * link finds the terminal through any gateway replica, and a gateway restart loses nothing.
 * The host adds the prefix (the gateway relays its messages unread) and takes it off again.
 */
public final class HostHandles {

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]{1,400}");

    private HostHandles() {
    }

    /** {@code handle} named after {@code host} ({@code host:port} as the gateway dialed it). */
    public static String named(String host, String handle) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(host.getBytes(StandardCharsets.UTF_8)) + "." + handle;
    }

    /** The host's own handle: what follows the host's name, or the handle as it is if it names none. */
    public static String bare(String handle) {
        int dot = handle.lastIndexOf('.');
        return dot < 0 ? handle : handle.substring(dot + 1);
    }

    /** The {@code host:port} a handle names, if it names one well-formed. */
    public static Optional<String> host(String handle) {
        int dot = handle.lastIndexOf('.');
        if (dot <= 0 || !PREFIX.matcher(handle.substring(0, dot)).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(Base64.getUrlDecoder().decode(handle.substring(0, dot)), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
