package io.cloudterm.auth;

import java.util.HashMap;
import java.util.TreeSet;

/**
 * A token bucket per key (client address or user name), for {@link LoginThrottle}, which guards
 * it with its lock: this class is not thread-safe by itself.
 *
 * <p>A bucket is one number, the time at which it will be full again ({@code fullAt}: the
 * "theoretical arrival time" of the generic cell rate algorithm). Taking a token pushes it one
 * refill period later; a token is there while {@code fullAt - now <= (burst - 1) * period}. A
 * bucket that is full ({@code fullAt <= now}) is the same as no bucket, so it can be dropped.
 *
 * <p>At most {@code maxKeys} keys are tracked. Buckets are also kept ordered by {@code fullAt};
 * when a new key needs room, the bucket that is full soonest goes: a full one if there is any
 * (forgiving nothing), otherwise the one with the fewest tokens owed. A throttled key owes a whole
 * burst, so to push it out an attacker must first drain {@code maxKeys} other buckets deeper than
 * it, within one refill window, with attempts that each pass the other bucket of the throttle.
 * Plain least-recently-used eviction would free a throttled key for {@code maxKeys} cheap new
 * names. The order costs O(log n) per token taken; logins are not a hot path.
 */
final class TokenBuckets {

    /** Full buckets dropped per token taken: more than are created, so idle ones do not pile up. */
    private static final int DROP_BATCH = 4;

    private static final class Bucket {
        final String key;
        /** Breaks ties in the order, so two buckets full at the same instant are both kept. */
        final long serial;
        long fullAt;

        Bucket(String key, long serial, long fullAt) {
            this.key = key;
            this.serial = serial;
            this.fullAt = fullAt;
        }
    }

    private final long periodNanos;
    private final long slackNanos;
    private final int maxKeys;
    private final HashMap<String, Bucket> byKey = new HashMap<>();
    // Differences, not values, are compared, as the JDK does for nanoTime: all values lie
    // within a burst of now.
    private final TreeSet<Bucket> byFullAt = new TreeSet<>((a, b) -> a.fullAt != b.fullAt
            ? Long.signum(a.fullAt - b.fullAt) : Long.compare(a.serial, b.serial));
    private long serials;

    TokenBuckets(LoginThrottle.Limit limit, int maxKeys) {
        this.periodNanos = limit.refillEvery().toNanos();
        this.slackNanos = Math.multiplyExact(limit.burst() - 1L, periodNanos);
        this.maxKeys = maxKeys;
    }

    /** Nanoseconds until {@code key} has a token; 0 if it has one now. */
    long wait(String key, long now) {
        Bucket bucket = byKey.get(key);
        return bucket == null ? 0 : Math.max(0, bucket.fullAt - now - slackNanos);
    }

    /** Takes a token from {@code key}'s bucket; the caller has checked {@link #wait} is 0. */
    void take(String key, long now) {
        dropFull(now, DROP_BATCH);
        Bucket bucket = byKey.get(key);
        if (bucket == null) {
            if (byKey.size() >= maxKeys) {
                Bucket evicted = byFullAt.pollFirst();
                byKey.remove(evicted.key);
            }
            bucket = new Bucket(key, serials++, now + periodNanos);
            byKey.put(key, bucket);
        } else {
            byFullAt.remove(bucket);
            bucket.fullAt = Math.max(bucket.fullAt - now, 0) + now + periodNanos;
        }
        byFullAt.add(bucket);
    }

    int size() {
        return byKey.size();
    }

    private void dropFull(long now, int max) {
        for (int i = 0; i < max && !byFullAt.isEmpty() && byFullAt.first().fullAt - now <= 0; i++) {
            byKey.remove(byFullAt.pollFirst().key);
        }
    }
}
