package io.cloudterm.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The (client address, user name) pairs whose last login attempt failed, remembered for a while,
 * for {@link LoginThrottle}, which guards it with its lock: this class is not thread-safe by itself.
 *
 * <p>At most {@code maxPairs} are kept; when full, the oldest failure is forgotten first. To push a
 * pair out an attacker must fail {@code maxPairs} times from addresses that each passed their own
 * bucket, and every one of those failures was a guess the throttle already let through, so
 * forgetting costs no more than it took.
 */
final class FailedPairs {

    private final long rememberNanos;
    private final int maxPairs;
    /** Insertion order is failure order (a repeated failure is moved to the young end). */
    private final LinkedHashMap<String, Long> failedAt = new LinkedHashMap<>();

    FailedPairs(long rememberNanos, int maxPairs) {
        this.rememberNanos = rememberNanos;
        this.maxPairs = maxPairs;
    }

    /** Whether {@code address} failed a login as {@code user} within the memory time. */
    boolean contains(String address, String user, long now) {
        Long at = failedAt.get(key(address, user));
        return at != null && now - at < rememberNanos;
    }

    void add(String address, String user, long now) {
        String key = key(address, user);
        failedAt.remove(key);
        dropOld(now);
        if (failedAt.size() >= maxPairs) {
            var eldest = failedAt.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
        failedAt.put(key, now);
    }

    void remove(String address, String user) {
        failedAt.remove(key(address, user));
    }

    int size() {
        return failedAt.size();
    }

    /** Forgets a few expired failures at the old end: insertion order is time order. */
    private void dropOld(long now) {
        var entries = failedAt.entrySet().iterator();
        for (int i = 0; i < 4 && entries.hasNext(); i++) {
            Map.Entry<String, Long> eldest = entries.next();
            if (now - eldest.getValue() < rememberNanos) {
                return;
            }
            entries.remove();
        }
    }

    /** The address comes first and, being a literal, never holds a NUL: the key is unambiguous. */
    private static String key(String address, String user) {
        return address + '\0' + user;
    }
}
