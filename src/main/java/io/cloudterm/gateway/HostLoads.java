package io.cloudterm.gateway;

import io.cloudterm.protocol.JsonFactories;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How many terminals each host reports, asked every {@code period} for least-loaded placement:
 * the host's own count ({@code GET /api/load}, which a host behind a gateway answers), so that
 * every gateway replica places by the same figures, whichever of them opened the terminals.
 * Between two readings a host counts also the terminals this gateway sent it since the last one.
 */
final class HostLoads implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HostLoads.class.getName());
    /** The name the gateway's own load reads are signed for: no account of a person. */
    static final String READER = "cloudterm-gateway";

    /** What a host said, and how many terminals this gateway had placed on it when it was asked. */
    private record Reading(int reported, long placedWhenAsked) {
    }

    private final Map<HostAddress, Reading> readings = new ConcurrentHashMap<>();
    /** Terminals this gateway placed on each host, ever: a reading counts those placed after it was asked. */
    private final Map<HostAddress, AtomicLong> placed = new ConcurrentHashMap<>();
    private final Thread poller;

    /**
     * Asks every host once before it returns, all at the same time (each has the calls' timeout to
     * answer): a gateway that has just started, or restarted, must not send its first terminals to
     * a host that is already the busiest. Then asks again every {@code period}.
     */
    HostLoads(HostDirectory hosts, HostCalls calls, Duration period) {
        try (var askingAll = Executors.newVirtualThreadPerTaskExecutor()) {
            hosts.current().forEach(host -> askingAll.execute(() -> read(host, calls)));
        }
        this.poller = Thread.ofVirtual().name("gateway-host-loads").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
                for (HostAddress host : hosts.current()) {
                    read(host, calls);
                }
                readings.keySet().retainAll(hosts.current());
                placed.keySet().retainAll(hosts.current());
            }
        });
    }

    private void read(HostAddress host, HostCalls calls) {
        long placedBefore = placedOn(host).get();
        try {
            HostCalls.Answer answer = calls.call(host, READER, "GET", "/api/load", "");
            if (answer.status() == 200) {
                try (JsonReader reader = JsonFactories.READERS.createReader(new ByteArrayInputStream(answer.body()))) {
                    readings.put(host, new Reading(reader.readObject().getInt("terminals"), placedBefore));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(Level.FINE, "no terminal count from " + host, e);
        }
    }

    /**
     * The host's terminals as it last said, plus those this gateway placed on it after asking (a
     * terminal placed just before may not have been running yet when the host answered: the
     * gateway's own relays to it are the floor, see {@link Gateway}).
     */
    int terminals(HostAddress host) {
        Reading reading = readings.get(host);
        long placedNow = placedOn(host).get();
        return reading == null ? (int) placedNow : reading.reported() + (int) (placedNow - reading.placedWhenAsked());
    }

    /** A terminal was just placed on {@code host}. */
    void placed(HostAddress host) {
        placedOn(host).incrementAndGet();
    }

    private AtomicLong placedOn(HostAddress host) {
        return placed.computeIfAbsent(host, h -> new AtomicLong());
    }

    @Override
    public void close() {
        poller.interrupt();
    }
}
