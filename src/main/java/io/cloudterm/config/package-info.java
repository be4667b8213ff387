/**
 * CloudTerm's configuration read from a Helidon {@code Config} node, whose keys are the command
 * line's long option names: one reader behind both front doors, the command line and an
 * embedding application's {@code application.yaml}. Reads and checks values; starts nothing.
 */
package io.cloudterm.config;
