/**
 * Child processes on pseudo-terminals: the {@link io.cloudterm.pty.Pty} contract, the choice
 * between the native (FFM) and the pure-Java implementation, and the pure-Java one itself.
 * Knows nothing of WebSockets, clients or HTTP.
 */
package io.cloudterm.pty;
