package io.cloudterm.auth;

import java.time.Instant;

/**
 * Who a gateway says a request is from, signed with the key the gateway and its hosts share: the
 * user, the terminal asked for (empty for a new one), the host it was meant for ({@code host:port}
 * as the gateway dialed it), until when it holds, and a nonce so that it is used once. The empty
 * user is a visitor: someone with a share link and no login, for the terminal it names.
 */
public record GatewayIdentity(String user, String terminal, String host, Instant expires, String nonce) {

    /** The request header that carries it. */
    public static final String HEADER = "X-CloudTerm-Identity";

    /** Someone with a share link and no login, who may only watch the terminal named, if the link lets them. */
    public boolean visitor() {
        return user.isEmpty();
    }
}
