package io.cloudterm.cli;

import io.cloudterm.config.ServerConfig;
import io.cloudterm.pty.ProgramPath;
import io.cloudterm.web.CloudTermServer;
import java.io.IOException;
import java.io.PrintStream;
import picocli.CommandLine;

/** {@code cloudterm}: parses the command line, starts the server, prints where to open it. */
public final class CloudTerm {

    /** Exit status for a command line that cannot be used. */
    static final int USAGE = 2;
    /** Exit status when the server cannot start (e.g. the port is taken). */
    static final int FAILED = 1;

    private CloudTerm() {
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.manager") == null) { // first: read at the first logger
            System.setProperty("java.util.logging.manager", ServerLogManager.class.getName());
        }
        if (args.length > 0 && args[0].equals("passwd")) { // the subcommand; to serve a program named passwd: cloudterm -- passwd
            System.exit(PasswdCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.in, System.out, System.err));
        }
        // Before anything logs: one-line format from logging.properties (Helidon would do it later).
        io.helidon.logging.common.LogConfig.configureRuntime();
        int status = run(args, System.out, System.err);
        System.exit(status);
    }

    /**
     * The configuration these arguments describe, for embedding and tests; throws an
     * {@link IllegalArgumentException} with the same words the command line would print.
     */
    public static ServerConfig configFrom(String... args) {
        Options options = new Options();
        options.gateway = isGateway(args);
        try {
            new CommandLine(options).setStopAtPositional(true).parseArgs(withoutSubcommand(args));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return options.toConfig();
    }

    /** {@code cloudterm gateway [options]}: the one subcommand that takes the server's options too. */
    private static boolean isGateway(String[] args) {
        return args.length > 0 && args[0].equals("gateway"); // to serve a program named gateway: cloudterm -- gateway
    }

    private static String[] withoutSubcommand(String[] args) {
        return isGateway(args) ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
    }

    /**
     * Runs the command line and returns the exit status: 0 after a normal stop, {@link #USAGE} (with
     * one line on {@code err}) for a command line that cannot be used (a program that cannot be run
     * included), {@link #FAILED} (one line too) if the server cannot start.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), out, err);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, reading {@code environment} instead of the process's. */
    static int run(String[] args, java.util.Map<String, String> environment, PrintStream out, PrintStream err) {
        Options options = new Options();
        options.environment = environment;
        options.gateway = isGateway(args);
        CommandLine cli = new CommandLine(options).setStopAtPositional(true);
        ServerConfig config;
        try {
            CommandLine.ParseResult parsed = cli.parseArgs(withoutSubcommand(args));
            if (parsed.isUsageHelpRequested()) {
                cli.usage(out);
                return 0;
            }
            if (parsed.isVersionHelpRequested()) {
                cli.printVersionHelp(out);
                return 0;
            }
            config = options.toConfig();
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            err.println("cloudterm: " + e.getMessage() + " (see cloudterm --help)");
            return USAGE;
        }
        try {
            // Found as each terminal's child will find it, so a typo or a missing program is said now,
            // to whoever starts the server, not to the first person who logs in.
            if (!config.gateway().relays()) { // a gateway runs no program
                ProgramPath.find(config.command().get(0), config.workingDirectory(), System.getenv());
            }
        } catch (IOException e) {
            err.println("cloudterm: " + e.getMessage());
            return USAGE;
        }
        if (config.gateway().relays()) {
            // The JDK keeps a name's addresses 30 s by default, whatever --hosts-refresh says: a
            // headless Service's pods would be seen late. Set before the first lookup reads it.
            String seconds = Long.toString(config.gateway().refresh().toSeconds());
            java.security.Security.setProperty("networkaddress.cache.ttl", seconds);
            java.security.Security.setProperty("networkaddress.cache.negative.ttl", seconds);
        }
        CloudTermServer server;
        StartupLog log = StartupLog.hold();
        try {
            server = CloudTermServer.start(config);
        } catch (IllegalArgumentException e) {
            // A configuration that cannot work (TLS files, --no-auth off loopback): the user's to fix.
            log.failed();
            err.println("cloudterm: " + e.getMessage());
            return USAGE;
        } catch (IllegalStateException e) {
            log.failed();
            err.println("cloudterm: " + e.getMessage());
            return FAILED;
        } catch (RuntimeException | Error e) {
            log.failed();
            throw e;
        }
        log.started();
        ServerLogManager.holdUntilServerStopped();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            ServerLogManager.serverStopped();
        }, "cloudterm-shutdown"));
        HeapFootprint.applyToThisJvm();
        try (NativeHeapTrimmer trimmer = NativeHeapTrimmer.start(server.nativeHeap())) {
            out.println(config.gateway().relays()
                    ? "CloudTerm " + Version.current() + " gateway relaying terminals to " + config.gateway().hosts().get()
                            + " at " + server.url()
                    : "CloudTerm " + Version.current() + " serving " + String.join(" ", config.command())
                            + " at " + server.url() + " (ptys: " + server.ptyDescription() + ")");
            if (server.accessToken().isPresent()) {
                out.println("Open this address to log in; it holds the access token, keep it private:");
                out.println("    " + server.loginUrl());
            }
            out.flush();
            server.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
