/**
 * Files in and out of a terminal: where an upload lands (the terminal's current directory), which
 * names it may have, how its bytes reach the disk (streamed, bounded, placed whole, never over a
 * file unless asked), which files a download may be, and the {@code cloudterm-download} command
 * the terminals get. Uses the terminal package to find a terminal's directory; knows nothing of
 * HTTP or logins: who may move files was decided above it.
 */
package io.cloudterm.transfer;
