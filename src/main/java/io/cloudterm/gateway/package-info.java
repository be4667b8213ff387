/**
 * Gateway mode: many CloudTerm hosts behind one address. Which hosts there are (a static list or
 * every address of a DNS name, as a Kubernetes headless Service publishes them), which host a
 * user's new terminal goes to, and the relay of each terminal's WebSocket to its host. The
 * gateway owns people (login, sessions); hosts own terminals. It never spawns a process.
 */
package io.cloudterm.gateway;
