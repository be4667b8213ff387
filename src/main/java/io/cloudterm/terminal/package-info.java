/**
 * Terminals: one child on one pty, the clients attached to it, output fan-out and flow control;
 * the registry of a server's live terminals ({@link io.cloudterm.terminal.Terminals}: handles,
 * limits, owner and guest seats), their share links ({@link io.cloudterm.terminal.Shares}) and the
 * guests in control through them now ({@link io.cloudterm.terminal.Controllers}), and the
 * server's configuration applied to them ({@link io.cloudterm.terminal.TerminalLauncher}: command,
 * environment, greeting); and what a terminal shows, as plain text for a glance at it
 * ({@link io.cloudterm.terminal.PlainText}) and which program runs in it, where
 * ({@link io.cloudterm.terminal.ForegroundProcess}).
 * Uses the config, pty, protocol, io and recording packages; knows nothing of HTTP, WebSockets or
 * authentication (a user is a plain name decided above it), and must not import the web package.
 */
package io.cloudterm.terminal;
