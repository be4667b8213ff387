/**
 * Recordings: each terminal's session written to disk as an asciicast v2 file, in bounded memory,
 * and the index of a recording directory's files by terminal and user
 * ({@link io.cloudterm.recording.Recordings}, including files of earlier runs). Fed by the terminal
 * package (bytes, sizes); knows nothing of ptys, clients, HTTP, WebSockets or authentication, and
 * must not import the terminal or web packages.
 */
package io.cloudterm.recording;
