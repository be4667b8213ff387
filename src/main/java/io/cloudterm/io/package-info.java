/**
 * I/O below the protocols: the pool of off-heap buffers that pty reads land in, the fds
 * under the JDK's and Helidon's sockets, and the interfaces of sockets driven on their fds and of
 * zero-copy sending onto them (implemented by the native layer), and the gateway's relays, which
 * move a WebSocket's bytes between two sockets knowing only where its frames end. Knows nothing of
 * terminals or of HTTP.
 */
package io.cloudterm.io;
