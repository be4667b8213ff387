package io.cloudterm.auth;

import java.util.Optional;

/**
 * What a request offers to prove who sent it.
 *
 * @param authorization      the Authorization header, or null
 * @param sessionCookie      the session cookie's value, or null
 * @param certificateSubject the verified TLS client certificate's user name, if any
 * @param address            the connection's peer address, for throttling and the audit log; null where it
 *                           is not known, and then no password or Basic credential is checked
 */
public record Credentials(String authorization, String sessionCookie, Optional<String> certificateSubject, String address) {
}
