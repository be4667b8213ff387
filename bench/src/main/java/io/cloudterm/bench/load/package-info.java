/**
 * The load driver of issue 5: a real CloudTerm server as its own process, driven over the ttyd
 * protocol as a browser drives it, each figure beside a reference measured in the same run.
 * Owns only bench code; it talks to the process through the product's client
 * ({@code io.cloudterm.client}) and must not reach into the server's classes.
 */
package io.cloudterm.bench.load;
