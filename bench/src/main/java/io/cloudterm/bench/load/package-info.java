/**
 * The load driver of issue 5: a real CloudTerm server as its own process, driven over the ttyd
 * protocol as a browser drives it, each figure beside a reference measured in the same run.
 * Owns only bench code; it must not reach into the server's classes (it talks to the process).
 */
package io.cloudterm.bench.load;
