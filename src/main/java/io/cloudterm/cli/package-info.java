/**
 * The command line: options (picocli) turned into a {@link io.cloudterm.web.ServerConfig}, and the
 * main class that starts the server and prints where to find it. No server logic here.
 */
package io.cloudterm.cli;
