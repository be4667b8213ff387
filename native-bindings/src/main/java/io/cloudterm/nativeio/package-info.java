/**
 * The Linux platform through FFM (JDK 22+): libc bindings in jextract's style, the epoll poller
 * that parks virtual threads on fds, and the native {@link io.cloudterm.pty.Pty},
 * {@link io.cloudterm.io.RawSocket}, splicing {@link io.cloudterm.io.Relay} and {@link io.cloudterm.io.NativeHeap} built on them, offered
 * as one {@link io.cloudterm.platform.Platform}. Owns every downcall; must not touch the web,
 * terminal or pure-Java pty code, nor decide on a fallback (that is {@code io.cloudterm.platform}'s).
 */
package io.cloudterm.nativeio;
