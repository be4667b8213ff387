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

    private record Reading(int reported, int sentSince) {
    }

    private final Map<HostAddress, Reading> readings = new ConcurrentHashMap<>();
    private final Thread poller;

    HostLoads(HostDirectory hosts, HostCalls calls, Duration period) {
        this.poller = Thread.ofVirtual().name("gateway-host-loads").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                for (HostAddress host : hosts.current()) {
                    read(host, calls);
                }
                readings.keySet().retainAll(hosts.current());
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void read(HostAddress host, HostCalls calls) {
        try {
            HostCalls.Answer answer = calls.call(host, READER, "GET", "/observe/metrics", "");
            Matcher m = LIVE.matcher(new String(answer.body(), StandardCharsets.UTF_8));
            if (answer.status() == 200 && m.find()) {
                readings.put(host, new Reading((int) Double.parseDouble(m.group(1)), 0));
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(Level.FINE, "no terminal count from " + host, e);
        }
    }

    /** The host's terminals as it last said, plus what this gateway sent it since. */
    int terminals(HostAddress host) {
        Reading reading = readings.get(host);
        return reading == null ? 0 : reading.reported() + reading.sentSince();
    }

    /** A terminal was just placed on {@code host}: counted until the host's next reading. */
    void placed(HostAddress host) {
        readings.merge(host, new Reading(0, 1), (old, one) -> new Reading(old.reported(), old.sentSince() + 1));
    }

    @Override
    public void close() {
        poller.interrupt();
    }
}
