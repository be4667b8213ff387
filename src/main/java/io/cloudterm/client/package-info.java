/**
 * A small Java client of a CloudTerm (or ttyd) terminal: connect to {@code /ws}, send the
 * handshake, type, resize, pause and resume, and read the output and how the terminal ended. For
 * scripting a terminal, and the one client the project's tests, load driver and AOT training use.
 * Built on a plain socket and {@link io.cloudterm.websocket.ClientFrames}; knows nothing of the
 * server's insides.
 */
package io.cloudterm.client;
