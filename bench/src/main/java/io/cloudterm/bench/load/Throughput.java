package io.cloudterm.bench.load;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One terminal printing N bytes, against one plain pty loop (the ceiling). */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "One terminal prints N bytes: MB/s, server CPU-s/GB and bytes per message, against a raw pty read loop.")
final class Throughput implements Callable<Integer> {

    @Mixin
    ServerSpec spec;

    @Option(names = "--mb", description = "MB (10^6 bytes) to print (default ${DEFAULT-VALUE})", defaultValue = "200")
    double mb;

    @Option(names = "--runs", description = "timed runs of each; the fastest is reported (default ${DEFAULT-VALUE})", defaultValue = "3")
    int runs;

    @Override
    public Integer call() throws Exception {
        return Streams.measure("throughput", spec, 1, (long) (mb * 1e6), runs, Targets.THROUGHPUT_RATIO);
    }
}
