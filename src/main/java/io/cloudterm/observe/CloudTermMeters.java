package io.cloudterm.observe;

import io.cloudterm.auth.LoginCounts;
import io.cloudterm.io.BufferPool;
import io.cloudterm.io.PollerWakeups;
import io.cloudterm.terminal.Terminal;
import io.cloudterm.terminal.TerminalTraffic;
import io.cloudterm.websocket.CloseCounts;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * CloudTerm's meters in Helidon's global registry, registered once per registry (an application
 * may have its metrics make a new global registry while it starts; sites count themselves in
 * once their server has started, and the meters follow to that registry). Nothing here runs
 * on a keystroke or a pty read: every meter is a gauge or a function counter that reads, when it
 * is scraped, a total the other packages keep anyway. Gauges of terminals and clients add up the
 * servers of this process that are running (one, outside tests and embedding applications).
 */
final class CloudTermMeters {

    private static final AtomicReference<MeterRegistry> REGISTERED_IN = new AtomicReference<>();
    private static final List<ObservedServer> SERVERS = new CopyOnWriteArrayList<>();
    /**
     * Every functional counter's state object. Micrometer holds a FunctionCounter's state only
     * weakly, and Helidon's builder offers no strong reference: a boxed close code would be
     * collected at the next GC and its counter would read nothing from then on.
     */
    private static final java.util.Queue<Object> STATES = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private CloudTermMeters() {
    }

    /** Counts {@code server} in the gauges until the returned action runs. */
    static Runnable observe(ObservedServer server) {
        MeterRegistry registry = Metrics.globalRegistry();
        if (REGISTERED_IN.getAndSet(registry) != registry) {
            register(registry);
        }
        SERVERS.add(server);
        return () -> SERVERS.remove(server);
    }

    private static void register(MeterRegistry registry) {
        gauge(registry, "cloudterm.terminals.live", "terminals whose program is running",
                server -> server.terminals().get().size());
        gauge(registry, "cloudterm.terminals.detached", "live terminals with no client attached (kept alive for a reattach)",
                server -> server.terminals().get().stream().filter(t -> t.attachedClients() == 0).count());
        gauge(registry, "cloudterm.clients.attached", "clients attached to terminals",
                server -> server.terminals().get().stream().mapToLong(Terminal::attachedClients).sum());
        gauge(registry, "cloudterm.scrollback.bytes", "bytes of scrollback held for clients that reattach",
                server -> server.scrollbackBytes().getAsLong());
        gauge(registry, "cloudterm.files.cache.bytes", "bytes of shared files held in memory",
                server -> server.filesCache().heldBytes().getAsLong());
        // Per server, like the gauges: summed over the servers of this process when scraped.
        counter(registry, "cloudterm.files.cache.hits", "shared files answered from memory",
                () -> SERVERS.stream().mapToLong(server -> server.filesCache().hits().getAsLong()).sum());
        counter(registry, "cloudterm.files.cache.reads", "shared files read into memory (first asked for, or changed)",
                () -> SERVERS.stream().mapToLong(server -> server.filesCache().reads().getAsLong()).sum());
        gauge(registry, "cloudterm.gateway.relays", "terminal connections a gateway relays to its hosts now",
                server -> server.relays().open().getAsLong());
        gauge(registry, "cloudterm.gateway.hosts", "hosts a gateway knows now (a dns: name's addresses, or its static list)",
                server -> server.relays().hosts().getAsLong());
        counter(registry, "cloudterm.gateway.relayed.bytes", "bytes a gateway relayed, both ways, on connections that have ended",
                () -> SERVERS.stream().mapToLong(server -> server.relays().bytes().getAsLong()).sum());
        counter(registry, "cloudterm.gateway.hosts.lost", "relayed connections ended because their host went away",
                () -> SERVERS.stream().mapToLong(server -> server.relays().hostsLost().getAsLong()).sum());
        counter(registry, "cloudterm.gateway.unreached", "terminals a gateway could reach no host for",
                () -> SERVERS.stream().mapToLong(server -> server.relays().unreached().getAsLong()).sum());
        registry.getOrCreate(Gauge.builder("cloudterm.buffers.in.use.bytes", () -> (Long) BufferPool.bytesInUseByAll())
                .description("bytes of pooled off-heap read buffers lent out"));
        counter(registry, "cloudterm.output.bytes", "bytes the terminals' programs wrote", TerminalTraffic::outputBytes);
        counter(registry, "cloudterm.input.bytes", "bytes clients sent to the terminals' programs", TerminalTraffic::inputBytes);
        counter(registry, "cloudterm.pty.reads", "reads from ptys that returned output", TerminalTraffic::ptyReads);
        counter(registry, "cloudterm.spawn.failures", "programs that could not be started on a pty",
                TerminalTraffic::spawnFailures);
        counter(registry, "cloudterm.poller.wakeups", "returns of the native poller's epoll_wait with events (native mode)",
                PollerWakeups::count);
        for (LoginCounts.Result result : LoginCounts.Result.values()) {
            registry.getOrCreate(FunctionalCounter.builder("cloudterm.logins", held(result), count(LoginCounts::count))
                    .addTag(Tag.create("result", result.tag()))
                    .description("logins through the login form or the access token, by result"));
        }
        CloseCounts.onNewCode(code -> registry.getOrCreate(
                FunctionalCounter.builder("cloudterm.websocket.closes", held(code), count(CloseCounts::count))
                        .addTag(Tag.create("code", String.valueOf(code)))
                        .description("close frames sent on terminal WebSockets, by close code")));
    }

    private static void gauge(MeterRegistry registry, String name, String description,
                              ToLongFunction<ObservedServer> reading) {
        registry.getOrCreate(Gauge.builder(name, () -> (Long) SERVERS.stream().mapToLong(reading).sum())
                .description(description));
    }

    private static void counter(MeterRegistry registry, String name, String description, LongSupplier total) {
        registry.getOrCreate(FunctionalCounter.builder(name, held(total), count(LongSupplier::getAsLong))
                .description(description));
    }

    private static <T> T held(T state) {
        STATES.add(state);
        return state;
    }

    private static <T> Function<T, Long> count(ToLongFunction<T> reading) {
        return state -> reading.applyAsLong(state);
    }
}
