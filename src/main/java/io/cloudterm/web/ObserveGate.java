package io.cloudterm.web;

import io.cloudterm.auth.AuthMode;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * The metrics and health endpoints ({@code <base>/observe/...}) need the same login as a terminal,
 * unless they were made public (--observe-public): they tell how busy the server is, who is being
 * refused, and where it records. Helidon's observe feature adds its routes to our routing, so this
 * filter, like the Host check before it, sees their requests.
 */
final class ObserveGate implements Filter {

    private final String prefix;
    private final Gate gate;

    ObserveGate(String basePath, Gate gate) {
        this.prefix = basePath + "/observe";
        this.gate = gate;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        String path = request.path().path();
        if (!path.equals(prefix) && !path.startsWith(prefix + "/")) {
            chain.proceed();
            return;
        }
        Peer peer = Peer.of(request.remotePeer());
        Gate.Decision decision = gate.who(request.headers(), peer.address(), peer.certificateSubject());
        if (decision.allowed()) {
            chain.proceed();
        } else {
            AuthRoutes.refuse(response, decision.refusal(), gate.authenticator().mode() == AuthMode.BASIC);
        }
    }
}
