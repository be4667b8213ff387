/**
 * Child processes on pseudo-terminals: the {@link io.cloudterm.pty.Pty} contract and the
 * pure-Java implementation (the choice between it and the native one is {@code io.cloudterm.platform}'s).
 * Knows nothing of WebSockets, clients, HTTP or the platform above it.
 */
package io.cloudterm.pty;
