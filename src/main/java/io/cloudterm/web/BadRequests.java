package io.cloudterm.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The log of requests refused for their form or their pace: one line per kind of fault, then at
 * most one line a minute per kind counting the others, so that an attack with thousands of
 * connections costs the log a few lines, not a stack trace each.
 */
final class BadRequests {

    private static final Logger LOG = Logger.getLogger(BadRequests.class.getName());
    private static final long QUIET_NANOS = Duration.ofMinutes(1).toNanos();

    private final LongSupplier nanoTime;
    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

    BadRequests(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Notes one refusal of this {@code kind} (a short sentence, the same for every such request) from {@code peer}. */
    void refused(String kind, String peer) {
        Kind counter = kinds.computeIfAbsent(kind, k -> new Kind(nanoTime.getAsLong() - QUIET_NANOS));
        long now = nanoTime.getAsLong();
        long last = counter.lastLogged.get();
        if (now - last >= QUIET_NANOS && counter.lastLogged.compareAndSet(last, now)) {
            long others = counter.unlogged.getAndSet(0);
            LOG.warning("refused a request from " + peer + ": " + kind
                    + (others == 0 ? "" : " (and " + others + " more like it in the last minute)"));
        } else {
            counter.unlogged.incrementAndGet();
        }
    }

    private record Kind(AtomicLong lastLogged, AtomicLong unlogged) {
        Kind(long lastLogged) {
            this(new AtomicLong(lastLogged), new AtomicLong());
        }
    }
}
