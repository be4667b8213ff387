package io.cloudterm.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The gateway's side: signs who a relayed request is from, for the host it goes to. Each identity
 * holds for 20 seconds and carries a fresh nonce, so it serves the one request it is made for.
 */
public final class IdentitySigner {

    private final GatewayKeys keys;
    private final Clock clock;

    public IdentitySigner(GatewayKeys keys) {
        this(keys, Clock.systemUTC());
    }

    /** Signs with {@code keys}' private key, with expiries read from {@code clock}. */
    public IdentitySigner(GatewayKeys keys, Clock clock) {
        this.keys = Objects.requireNonNull(keys);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * The {@link GatewayIdentity#HEADER} value for {@code user} asking {@code host} for {@code terminal} ("" for a new one).
     * The empty {@code user} is a visitor, someone with a share link and no login: only for a named
     * terminal. Throws {@link IllegalArgumentException} if the user is blank (or empty for a new
     * terminal), any value holds a control character, or the identity would be longer than a host
     * takes (4096 characters).
     */
    public String sign(String user, String terminal, String host) {
        IdentityWire.userProblem(user, terminal).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        IdentityWire.fieldProblem(terminal).ifPresent(problem -> {
            throw new IllegalArgumentException("the terminal " + problem);
        });
        IdentityWire.fieldProblem(host).ifPresent(problem -> {
            throw new IllegalArgumentException("the host " + problem);
        });
        Instant expires = Instant.ofEpochSecond(clock.instant().plus(IdentityWire.VALIDITY).getEpochSecond());
        String header = IdentityWire.encode(new GatewayIdentity(user, terminal, host, expires, Secrets.random128()), keys.signingKey());
        if (header.length() > IdentityWire.MAXIMUM_CHARS) {
            throw new IllegalArgumentException("the identity would be " + header.length() + " characters, more than the "
                    + IdentityWire.MAXIMUM_CHARS + " a host takes");
        }
        return header;
    }
}
