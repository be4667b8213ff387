package io.cloudterm.web;

import io.cloudterm.auth.GatewayIdentity;
import io.cloudterm.auth.IdentityVerifier;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A host's sign-in behind a gateway ({@code --trust-gateway}): a request is from the user a
 * gateway signed for it, for this host (the identity names the {@code Host} the gateway dialed, so
 * one taken from a relay cannot be spent on another host), once, within its few seconds. There is
 * no other way in: no login form, no token, no password.
 */
final class GatewaySignIn implements HostAuthentication {

    private static final Logger LOG = Logger.getLogger(GatewaySignIn.class.getName());
    private static final HeaderName IDENTITY = HeaderNames.create(GatewayIdentity.HEADER);

    private final IdentityVerifier verifier;

    GatewaySignIn(IdentityVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Optional<String> user(Headers headers, PeerInfo peer) {
        Optional<String> signed = headers.first(IDENTITY);
        if (signed.isEmpty()) {
            return Optional.empty();
        }
        GatewayIdentity identity;
        try {
            identity = verifier.verify(signed.get());
        } catch (IdentityVerifier.Refused e) {
            LOG.info(() -> "gateway identity refused from " + peer.host() + ": " + e.getMessage());
            return Optional.empty();
        }
        String host = headers.first(HeaderNames.HOST).orElse("").trim().toLowerCase(Locale.ROOT);
        if (!identity.host().toLowerCase(Locale.ROOT).equals(host)) {
            LOG.info(() -> "gateway identity refused from " + peer.host() + ": signed for " + identity.host() + ", sent to " + host);
            return Optional.empty();
        }
        return Optional.of(identity.user());
    }
}
