package io.cloudterm.auth;

/** The gateway's side: signs who a relayed request is from, for the host it goes to. */
public final class IdentitySigner {

    public IdentitySigner(GatewayKeys keys) {
        throw new UnsupportedOperationException("to come");
    }

    /** The {@link GatewayIdentity#HEADER} value for {@code user} asking {@code host} for {@code terminal} ("" for a new one). */
    public String sign(String user, String terminal, String host) {
        throw new UnsupportedOperationException("to come");
    }
}
