package io.cloudterm.web;

import io.helidon.common.socket.PeerInfo;
import io.helidon.http.Headers;
import java.util.Optional;

/**
 * An embedding application's own sign-in, put in place of CloudTerm's logins: the user a request
 * comes from, or empty when it comes from nobody the application knows. It sees the request's
 * headers and its peer only, because that is all a WebSocket upgrade has: it is asked before
 * routing, where no {@code ServerRequest} (no entity, no context, no route parameters) exists yet,
 * and the same function must judge the page, the API and the upgrade alike. A blank name is nobody;
 * the empty name is a visitor: nobody signed in, but on a WebSocket to a named terminal allowed to
 * try a share link that needs no login (and nothing else), as a browser without a login may.
 */
@FunctionalInterface
public interface HostAuthentication {

    /** The user this request is from (the owner of the terminals it starts), or empty. */
    Optional<String> user(Headers headers, PeerInfo peer);
}
