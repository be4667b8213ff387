/**
 * Files over HTTP: the terminal page's own assets and an operator's directory mounted for the
 * people using the terminals. What a response says about a file ({@link Representation}) is
 * decided here once, with HTTP's rules (conditional requests, ranges, encodings); how its bytes
 * reach the socket is a {@link BodySender}: zero-copy where the platform offers it, copies
 * through small reused buffers elsewhere. It knows nothing of terminals, ptys or logins: who may
 * read a file is decided before a request gets here, by the web package's one decision on requests.
 */
package io.cloudterm.files;
