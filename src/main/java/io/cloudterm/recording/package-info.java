/**
 * Recordings: each terminal's session written to disk as an asciicast v2 file, in bounded memory.
 * Fed by the terminal package (bytes, sizes); knows nothing of ptys, clients, HTTP or WebSockets.
 */
package io.cloudterm.recording;
