package io.cloudterm.websocket;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

/**
 * Close frames this process sent on terminal WebSockets, by close code: why clients were let go
 * (refused logins, full servers, slow clients, programs that exited). Read when meters are scraped.
 */
public final class CloseCounts {

    private static final Map<Integer, LongAdder> SENT = new ConcurrentHashMap<>();
    private static final CopyOnWriteArrayList<IntConsumer> NEW_CODE_LISTENERS = new CopyOnWriteArrayList<>();

    private CloseCounts() {
    }

    static void sent(int code) {
        LongAdder count = SENT.get(code);
        if (count == null) {
            LongAdder fresh = new LongAdder();
            count = SENT.putIfAbsent(code, fresh);
            if (count == null) {
                count = fresh;
                NEW_CODE_LISTENERS.forEach(listener -> listener.accept(code));
            }
        }
        count.increment();
    }

    /** Close frames sent with {@code code} so far. */
    public static long count(int code) {
        LongAdder count = SENT.get(code);
        return count == null ? 0 : count.sum();
    }

    /** The codes sent so far, in order. */
    public static java.util.Set<Integer> codes() {
        return new TreeMap<>(SENT).keySet();
    }

    /**
     * Calls {@code listener} with each code the first time it is sent (a meter per code is made
     * then), and with those already sent.
     */
    public static void onNewCode(IntConsumer listener) {
        NEW_CODE_LISTENERS.add(listener);
        codes().forEach(listener::accept);
    }
}
