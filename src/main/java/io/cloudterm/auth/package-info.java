/**
 * Who may use the server: the access token, Basic credentials, browser sessions, the
 * short-lived tokens of the {@code /token} endpoint, and the identity a gateway signs for its
 * hosts (its keys, signer and verifier). Knows nothing of terminals or WebSockets.
 */
package io.cloudterm.auth;
