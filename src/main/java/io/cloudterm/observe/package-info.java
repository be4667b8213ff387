/**
 * CloudTerm seen through Helidon's observability: its meters (registered in Helidon's global
 * registry), its health checks, and the stand-alone server's {@code observe} feature that serves them (inside
 * a Helidon application, the application's own observe feature serves the meters). The only package
 * that names Helidon metrics or health types, so the rest of the server runs without them on the
 * classpath; {@link io.cloudterm.observe.Observability} is its door. Reads counters that the other
 * packages keep; changes nothing in them.
 */
package io.cloudterm.observe;
