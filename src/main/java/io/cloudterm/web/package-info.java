/**
 * The HTTP and WebSocket face of CloudTerm on Helidon SE: routes, the terminal endpoint, security
 * headers, the Host and Origin checks, login and token endpoints. Turns requests into calls on the auth and
 * terminal packages; holds no terminal or authentication logic of its own.
 */
package io.cloudterm.web;
