package io.cloudterm.bench.load;

import picocli.CommandLine.Option;

/** {@code --client}, for the scenarios that can use either WebSocket client (a picocli mixin). */
final class ClientOption {

    @Option(names = "--client", description = "the driver's WebSocket client: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE});"
            + " raw: a lean one on a blocking socket (a virtual thread each), less of the driver's CPU on the server's cores",
            defaultValue = "jdk")
    StreamClient.Kind kind;
}
