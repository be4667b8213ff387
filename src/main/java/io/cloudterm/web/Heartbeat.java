package io.cloudterm.web;

import io.cloudterm.protocol.CloseCodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches every open terminal WebSocket from one timer thread: pings each and gives up on those
 * that stay silent, and notices connections that have ended.
 *
 * <p>A peer that vanished (a laptop lid, a dropped Wi-Fi) sends nothing and closes nothing, so
 * without the pings its terminal would never be hung up. Whether a connection has ended is asked
 * of the connection itself ({@link WsClient#connected}) a few times a second, rather than by a
 * thread per connection waiting for its end, which cost a parked thread for every idle client.
 */
final class Heartbeat implements AutoCloseable {

    /** How often ended connections are looked for: the delay before a dropped client is let go. */
    static final Duration SWEEP_INTERVAL = Duration.ofMillis(250);

    /** Kept until the connection ends (or the endpoint forgets it), whatever the pings say. */
    private record Watch(Runnable onEnd, AtomicBoolean abandoned) {
    }

    /** The close every client gets when the server goes away. */
    private record Goodbye(int code, String reason) {
    }

    private final Map<WsClient, Watch> clients = new ConcurrentHashMap<>();
    private volatile Goodbye goodbye;
    /** Null when nothing is scheduled: then whoever made it calls {@link #beat} and {@link #sweep}. */
    private final ScheduledExecutorService timer;
    /** Runs the pings, the give-ups and the end actions, so that a slow one holds up no other client. */
    private final Executor tasks;
    private final long silentLimitNanos;
    /** A client heard from more recently than this is alive: it is not pinged. */
    private final long pingAfterNanos;

    Heartbeat(Duration interval) {
        this(interval, task -> Thread.ofVirtual().start(task),
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("cloudterm-heartbeat").daemon().factory()));
        timer.scheduleAtFixedRate(this::beat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::sweep, SWEEP_INTERVAL.toMillis(), SWEEP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Heartbeat(Duration interval, Executor tasks, ScheduledExecutorService timer) {
        this.silentLimitNanos = interval.toNanos() * 2 + TimeUnit.SECONDS.toNanos(1);
        this.pingAfterNanos = interval.toNanos() / 2;
        this.tasks = tasks;
        this.timer = timer;
    }

    /**
     * A heartbeat with no timer, whose beats and sweeps the caller runs itself, and whose pings,
     * give-ups and end actions run on {@code tasks}: a unit test then drives the time (with the
     * clients' clocks) instead of waiting for it.
     */
    static Heartbeat unscheduled(Duration interval, Executor tasks) {
        return new Heartbeat(interval, tasks, null);
    }

    /**
     * Pings {@code client}, and runs {@code onEnd} (on a virtual thread) once its connection has
     * ended. Once the server is going away, a client that opens is closed at once.
     */
    void watch(WsClient client, Runnable onEnd) {
        clients.put(client, new Watch(onEnd, new AtomicBoolean()));
        Goodbye leaving = goodbye;
        if (leaving != null) {
            tasks.execute(() -> client.close(leaving.code(), leaving.reason()));
        }
    }

    /**
     * Closes every open client with {@code code} and {@code reason}, and every client that opens
     * from now on, and waits until the close frames are written, at most {@code patience}: a
     * client that stopped reading may hold its frame back, and must not hold up the server.
     */
    void closeAll(int code, String reason, Duration patience) {
        goodbye = new Goodbye(code, reason);
        // In parallel: each close waits for the client's own send to finish.
        List<Thread> closing = clients.keySet().stream()
                .map(client -> Thread.ofVirtual().name("goodbye").start(() -> client.close(code, reason)))
                .toList();
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            for (Thread thread : closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void forget(WsClient client) {
        clients.remove(client);
    }

    /** Every interval: pings the quiet clients, gives up on the silent ones. */
    void beat() {
        for (Map.Entry<WsClient, Watch> entry : clients.entrySet()) {
            WsClient client = entry.getKey();
            if (client.closed()) {
                continue; // closing: the sweep sees its thread end
            }
            if (client.silentNanos() > silentLimitNanos) {
                if (entry.getValue().abandoned().compareAndSet(false, true)) {
                    tasks.execute(() -> client.abandon(CloseCodes.TIMEOUT, "no answer to pings"));
                }
            } else if (client.silentNanos() >= pingAfterNanos) {
                // Only quiet clients: one that just spoke is alive, and a ping that crosses its
                // close frame makes some clients (the JDK's) fail their close with an error.
                tasks.execute(client::ping);
            }
        }
    }

    /** Every {@link #SWEEP_INTERVAL}: lets go of the clients whose connection has ended. */
    void sweep() {
        for (Map.Entry<WsClient, Watch> entry : clients.entrySet()) {
            Watch watch = entry.getValue();
            if (!entry.getKey().connected() && clients.remove(entry.getKey(), watch)) {
                tasks.execute(watch.onEnd());
            }
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
