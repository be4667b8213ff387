package io.cloudterm.auth;

/** The host's side: checks a gateway-signed identity, and takes each one once. */
public final class IdentityVerifier {

    public IdentityVerifier(GatewayKeys keys) {
        throw new UnsupportedOperationException("to come");
    }

    /** The identity {@code header} carries if it is well-formed, signed with one of the keys, not expired and not seen before. */
    public GatewayIdentity verify(String header) throws Refused {
        throw new UnsupportedOperationException("to come");
    }

    /** Why an identity was refused, in words for the log and the 401's reason. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
