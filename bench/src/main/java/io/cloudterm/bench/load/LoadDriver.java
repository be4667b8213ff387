package io.cloudterm.bench.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The load driver: one command per scenario, each starting its own CloudTerm server
 * (a separate process, from the jar or a class path), measuring it through the terminal protocol
 * as a browser speaks it, stopping it, and checking that it reaped every child and gave back every
 * fd. Prints tables and, with {@code --json FILE}, the same figures as JSON; exits 1 when a check
 * failed (a byte missing or extra, a child left over). See bench/README.md for the commands.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load scenarios against a real CloudTerm server; each figure beside its reference and target.",
        subcommands = {Throughput.class, FanOut.class, Latency.class, Sessions.class, Connections.class, Cycles.class,
            StaticFiles.class, GatewayRelay.class, ResultsPage.class})
public final class LoadDriver {

    /** Runs one scenario; returns its exit status (0: every check passed). */
    public static int run(String... args) {
        return new CommandLine(new LoadDriver()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            System.out.println("FAILED: " + e);
            e.printStackTrace(System.out);
            return 1;
        }).execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
