package io.cloudterm.auth;

import java.util.Optional;

/**
 * The single user:password of {@code --credential} (ttyd's {@code -c}) behind the per-address
 * login throttle.
 *
 * <p>Browsers send the credential with every request, so a right one must cost nothing: only a
 * wrong one is counted, as an attempt of no user name, against the connection's peer address
 * (IPv6 per /64; never a header such as X-Forwarded-For, which the client writes itself). An
 * address out of attempts is refused before its credential is compared at all, so a throttled
 * guesser learns nothing, not even from a right guess. There is one user, so there is no per-user
 * bucket: a guesser's failures use up only their own address's attempts and never refuse the
 * right credential sent from another address (see {@link LoginThrottle}).
 *
 * <p>A request without a Basic header, or with one that is not {@code user:password}, is no guess
 * and is not counted: it is how a browser asks for the login prompt.
 */
final class ThrottledCredential {

    private final BasicCredential credential;
    private final AttemptLimiter limiter;

    ThrottledCredential(BasicCredential credential, AttemptLimiter limiter) {
        this.credential = credential;
        this.limiter = limiter;
    }

    /** Who sent {@code authorization} from {@code address}; a wrong credential is counted. */
    Authentication check(String authorization, String address) {
        return check(authorization, address, true);
    }

    /**
     * As {@link #check}, but counting nothing: for a WebSocket upgrade, which when refused is
     * answered by the plain HTTP route that follows, and that one counts the failure.
     */
    Authentication checkUncounted(String authorization, String address) {
        return check(authorization, address, false);
    }

    private Authentication check(String authorization, String address, boolean count) {
        long wait = limiter.waitFor(address);
        if (wait > 0) {
            return new Authentication.Throttled(wait);
        }
        Optional<Principal> principal = credential.check(authorization);
        if (principal.isPresent()) {
            return new Authentication.Known(principal.get(), Optional.empty());
        }
        if (count && BasicHeader.parse(authorization).isPresent()) {
            long refused = limiter.tryAttempt(address, null);
            if (refused > 0) {
                return new Authentication.Throttled(refused);
            }
        }
        return Authentication.UNKNOWN;
    }
}
