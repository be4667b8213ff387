/**
 * Terminal WebSockets served on sockets taken over from Helidon once it has upgraded them (plain
 * TCP, native mode): RFC 6455 framing, reads driven by the poller with no thread per idle
 * connection, and writes that gather pooled buffers into the kernel. Hands each connection to a
 * Helidon {@code WsListener}; knows nothing of terminals.
 */
package io.cloudterm.websocket;
