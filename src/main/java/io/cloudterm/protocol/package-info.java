/**
 * The ttyd-compatible terminal protocol (see src/docs/PROTOCOL.md): decoding client messages, encoding
 * server messages, close codes. Pure functions of bytes; knows nothing of sockets or processes.
 */
package io.cloudterm.protocol;
