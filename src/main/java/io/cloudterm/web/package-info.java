/**
 * The HTTP and WebSocket face of CloudTerm on Helidon SE: routes, the terminal endpoint, security
 * headers, the Host and Origin checks, login and token endpoints. Turns requests into calls on the
 * auth, terminal ({@code Terminals}, {@code Shares}), recording ({@code Recordings}), files
 * (the shared directory's {@code FileMount}) and transfer (uploads into and downloads from a
 * terminal) packages;
 * holds no terminal, sharing, recording or authentication logic of its own, and imports nothing of
 * the pty package. Nothing below imports it.
 */
package io.cloudterm.web;
