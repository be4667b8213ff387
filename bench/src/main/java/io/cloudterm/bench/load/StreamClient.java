package io.cloudterm.bench.load;

import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What the scenarios need of a terminal client: send INPUT, learn TERMINAL_INFO, close, learn how
 * the connection ended, count OUTPUT messages. Two implementations, chosen by {@code --client}:
 * {@link TtyClient} (the JDK's WebSocket client, as before) and {@link RawTtyClient} (a lean one on
 * a blocking socket, so the driver takes less of the CPUs it shares with the server).
 */
interface StreamClient {

    /** How long a send may take before {@link #type} gives up. */
    Duration SEND_LIMIT = Duration.ofSeconds(30);

    /** Sends INPUT; completes once it is written. */
    CompletableFuture<?> input(String text);

    /** Sends INPUT and waits until it is written (bounded). */
    default void type(String text) {
        input(text).orTimeout(SEND_LIMIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** TERMINAL_INFO, once it has come (fails if the connection ends first). */
    CompletableFuture<JsonObject> info();

    /** Completes when the connection has ended, with the server's close code and reason. */
    CompletableFuture<TtyClient.Closed> closed();

    /**
     * Sends a close (1000) after any pending sends; completes (within 20 s) with the server's
     * answer, or with code -1 when none came (the connection is then dropped).
     */
    CompletableFuture<TtyClient.Closed> closeAsync();

    /** Closes and waits (bounded) for the server's answer. */
    default TtyClient.Closed close() {
        return closeAsync().join();
    }

    /** OUTPUT messages received so far. */
    long messages();

    /** The choice of client, as {@code --client} spells it. */
    enum Kind {
        jdk("JDK WebSocket client"),
        raw("raw-socket WebSocket client");

        /** Where raw clients connect when many are opened at once: the opener blocks, not the caller. */
        private static final ExecutorService CONNECTS = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("raw-tty-connect-", 0).factory());

        final String label;

        Kind(String label) {
            this.label = label;
        }

        /**
         * Connects (bounded) and sends JSON_DATA; OUTPUT goes to {@code output}. For a few clients
         * that stream much output: the raw client reads into a large buffer.
         */
        StreamClient open(URI uri, TtyClient.Output output) throws Exception {
            return this == jdk ? TtyClient.open(uri, output) : RawTtyClient.open(uri, output, RawTtyClient.STREAM_BUFFER);
        }

        /**
         * Connects asynchronously (bounded) and sends JSON_DATA; OUTPUT goes to {@code output}.
         * For many clients with little output each: the raw client reads into a small buffer,
         * on a virtual thread.
         */
        CompletableFuture<StreamClient> connect(URI uri, TtyClient.Output output) {
            if (this == jdk) {
                return TtyClient.connect(uri, output).thenApply(c -> c);
            }
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return RawTtyClient.open(uri, output, RawTtyClient.SMALL_BUFFER);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, CONNECTS);
        }
    }
}
