/**
 * The command line: options (picocli) handed as configuration keys to {@link io.cloudterm.config.CloudTermConfig}, and the
 * main class that starts the server and prints where to find it. No server logic here.
 */
package io.cloudterm.cli;
