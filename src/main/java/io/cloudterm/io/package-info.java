/**
 * Memory for I/O: the pool of off-heap buffers that pty reads land in. Knows nothing of terminals
 * or the web.
 */
package io.cloudterm.io;
