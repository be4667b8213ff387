package io.cloudterm.bench.load;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** S terminals printing at once, against S plain pty loops at once. */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = "S terminals print at once: aggregate MB/s against S raw pty read loops at once.")
final class FanOut implements Callable<Integer> {

    @Mixin
    ServerSpec spec;

    @Option(names = "--terminals", description = "terminals printing at once (default ${DEFAULT-VALUE})", defaultValue = "8")
    int terminals;

    @Option(names = "--mb", description = "MB each terminal prints (default ${DEFAULT-VALUE})", defaultValue = "25")
    double mb;

    @Option(names = "--runs", description = "timed runs of each; the fastest is reported (default ${DEFAULT-VALUE})", defaultValue = "3")
    int runs;

    @Override
    public Integer call() throws Exception {
        return Streams.measure("fanout", spec, terminals, (long) (mb * 1e6), runs, Targets.FANOUT_RATIO);
    }
}
