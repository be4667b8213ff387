/**
 * One client connection as the terminal conversation sees it, whatever carries it: messages out
 * ({@link io.cloudterm.connection.Connection}) and in ({@link io.cloudterm.connection.ConnectionListener}).
 * Implemented by a transport (the WebSocket package), used by the conversation (the web package);
 * knows neither, nor any Helidon type.
 */
package io.cloudterm.connection;
