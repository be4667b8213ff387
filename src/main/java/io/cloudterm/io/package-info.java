/**
 * I/O mechanisms with no policy: the pool of off-heap buffers that pty reads land in, and the
 * interface of sockets driven on their fds (implemented by the native layer). Knows nothing of
 * terminals or the web.
 */
package io.cloudterm.io;
