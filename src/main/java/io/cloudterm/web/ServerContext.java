package io.cloudterm.web;

/** What every connection of one server shares. */
record ServerContext(ServerConfig config, Gate gate, ClientSlots slots, Heartbeat heartbeat,
                     TerminalLauncher launcher, RequestAuth auth) {
}
