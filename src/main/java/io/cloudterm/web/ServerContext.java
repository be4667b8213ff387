package io.cloudterm.web;

import io.cloudterm.config.ServerConfig;
import io.cloudterm.terminal.TerminalLauncher;

/** What every connection of one server shares. */
record ServerContext(ServerConfig config, Gate gate, ClientSlots slots, Heartbeat heartbeat,
                     TerminalLauncher launcher, RequestAuth auth) {
}
