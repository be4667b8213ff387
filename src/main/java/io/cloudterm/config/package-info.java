/**
 * CloudTerm's configuration: {@link io.cloudterm.config.ServerConfig}, grouped by concern, and
 * the one reader that builds it from a Helidon {@code Config} node whose keys are the command
 * line's long option names, behind both front doors (the command line and an embedding
 * application's {@code application.yaml}). Reads and checks values; starts nothing.
 */
package io.cloudterm.config;
