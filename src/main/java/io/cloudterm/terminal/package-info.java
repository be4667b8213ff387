/**
 * Terminals: one child on one pty, the clients attached to it, output fan-out and flow control.
 * Uses the pty and protocol packages; knows nothing of HTTP, WebSockets or authentication.
 */
package io.cloudterm.terminal;
