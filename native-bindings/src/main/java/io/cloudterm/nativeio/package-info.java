/**
 * The Linux pty system through FFM (JDK 22+): libc bindings in jextract's style, the epoll poller
 * that parks virtual threads on fds, and the native {@link io.cloudterm.pty.Pty} and
 * {@link io.cloudterm.io.RawSocket} built on them.
 * Owns every downcall of the pty layer; must not touch the web, terminal or pure-Java pty code.
 */
package io.cloudterm.nativeio;
