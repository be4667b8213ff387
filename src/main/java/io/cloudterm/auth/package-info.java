/**
 * Who may use the server: the access token, Basic credentials, browser sessions and the
 * short-lived tokens of the {@code /token} endpoint. Knows nothing of terminals or WebSockets.
 */
package io.cloudterm.auth;
