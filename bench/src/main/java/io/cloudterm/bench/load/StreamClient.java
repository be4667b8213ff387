package io.cloudterm.bench.load;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link Streams} needs of a terminal client: send INPUT, learn how the connection ended,
 * count OUTPUT messages. Two implementations, chosen by {@code --client}: {@link TtyClient} (the
 * JDK's WebSocket client, as before) and {@link RawTtyClient} (a lean one on a blocking socket, so
 * the driver takes less of the CPUs it shares with the server).
 */
interface StreamClient {

    /** Sends INPUT; completes once it is written. */
    CompletableFuture<?> input(String text);

    /** Completes when the connection has ended, with the server's close code and reason. */
    CompletableFuture<TtyClient.Closed> closed();

    /** OUTPUT messages received so far. */
    long messages();

    /** The choice of client, as {@code --client} spells it. */
    enum Kind {
        jdk("JDK WebSocket client"),
        raw("raw-socket WebSocket client");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        /** Connects (bounded) and sends JSON_DATA; OUTPUT goes to {@code output}. */
        StreamClient open(URI uri, TtyClient.Output output) throws Exception {
            return this == jdk ? TtyClient.open(uri, output) : RawTtyClient.open(uri, output);
        }
    }
}
