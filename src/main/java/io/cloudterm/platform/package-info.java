/**
 * What this machine offers CloudTerm: ptys, sockets driven on the ptys' poller, the C heap. Owns the
 * choice between the native (FFM) layer and pure Java, made once, and the log line that says why.
 * Hands out the {@code pty} and {@code io} interfaces; must not touch the web, terminals or the
 * native classes themselves (it finds them with {@link java.util.ServiceLoader}).
 */
package io.cloudterm.platform;
