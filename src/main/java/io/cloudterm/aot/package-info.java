/**
 * The JDK 25+ AOT cache the start command uses: a training run of the real server, driven from
 * outside as a browser drives it, and the JVM options file that names the cache (with the heap
 * options the server takes at launch, from {@code cli}). Build-time only: nothing in the server
 * depends on this package, and it reaches the server only over HTTP.
 */
package io.cloudterm.aot;
