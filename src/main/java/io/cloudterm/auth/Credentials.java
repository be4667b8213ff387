package io.cloudterm.auth;

import java.util.Optional;

/**
 * What a request offers to prove who sent it.
 *
 * @param authorization      the Authorization header, or null
 * @param sessionCookie      the session cookie's value, or null
 * @param certificateSubject the verified TLS client certificate's user name, if any
 * @param address            the connection's peer address, for throttling and the audit log: every
 *                           connection has one, and a password is never checked outside its throttle
 */
public record Credentials(String authorization, String sessionCookie, Optional<String> certificateSubject, String address) {

    public Credentials {
        java.util.Objects.requireNonNull(address, "address");
        java.util.Objects.requireNonNull(certificateSubject, "certificateSubject");
    }
}
