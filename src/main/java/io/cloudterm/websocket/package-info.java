/**
 * Terminal WebSockets as CloudTerm serves them: the upgrade, RFC 6455 framing checked by one
 * decoder, and two transports under it: a socket taken over from Helidon and driven by the poller
 * (plain TCP, native mode: no thread per idle connection, writes that gather pooled buffers into
 * the kernel), or Helidon's own connection (TLS, pure-Java mode). Each connection is a
 * {@link io.cloudterm.connection.Connection} handed to its listener; knows nothing of terminals.
 * {@link io.cloudterm.websocket.ClientFrames} is the client side's framing, for the AOT training
 * run, the load driver and the tests.
 */
package io.cloudterm.websocket;
