package io.cloudterm.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many terminals each host reports, asked every {@code period} for least-loaded placement:
 * the host's own count ({@code cloudterm_terminals_live} of its metrics), so that every gateway
 * replica places by the same figures, whichever of them opened the terminals. Between two
 * readings a host counts also the terminals this gateway sent it since the last one.
 */
final class HostLoads implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HostLoads.class.getName());
    private static final Pattern LIVE = Pattern.compile("(?m)^cloudterm_terminals_live(?:\\{[^}]*\\})? ([0-9.eE+]+)$");
    /** The name the gateway's own metric reads are signed for: no account of a person. */
    static final String READER = "cloudterm-gateway";

    /** What a host said, and how many terminals this gateway had placed on it when it was asked. */
    private record Reading(int reported, long placedWhenAsked) {
    }

    private final Map<HostAddress, Reading> readings = new ConcurrentHashMap<>();
    /** Terminals this gateway placed on each host, ever: a reading counts those placed after it was asked. */
    private final Map<HostAddress, java.util.concurrent.atomic.AtomicLong> placed = new ConcurrentHashMap<>();
    private final Thread poller;

    HostLoads(HostDirectory hosts, HostCalls calls, Duration period) {
        this.poller = Thread.ofVirtual().name("gateway-host-loads").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                for (HostAddress host : hosts.current()) {
                    read(host, calls);
                }
                readings.keySet().retainAll(hosts.current());
                placed.keySet().retainAll(hosts.current());
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void read(HostAddress host, HostCalls calls) {
        long placedBefore = placedOn(host).get();
        try {
            HostCalls.Answer answer = calls.call(host, READER, "GET", "/observe/metrics", "");
            Matcher m = LIVE.matcher(new String(answer.body(), StandardCharsets.UTF_8));
            if (answer.status() == 200 && m.find()) {
                readings.put(host, new Reading((int) Double.parseDouble(m.group(1)), placedBefore));
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

    private java.util.concurrent.atomic.AtomicLong placedOn(HostAddress host) {
        return placed.computeIfAbsent(host, h -> new java.util.concurrent.atomic.AtomicLong());
    }

    @Override
    public void close() {
        poller.interrupt();
    }
}
