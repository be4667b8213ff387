package io.cloudterm.web;

import io.cloudterm.protocol.CloseCodes;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Pings every open terminal WebSocket and gives up on those that stay silent. A peer that vanished
 * (a laptop lid, a dropped Wi-Fi) produces no callback in Helidon, so without this its terminal
 * would never be hung up. The pongs also keep Helidon's idle-connection timer from closing a
 * terminal that simply has nothing to say.
 */
final class Heartbeat implements AutoCloseable {

    private final Set<WsClient> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private final long silentLimitNanos;

    Heartbeat(Duration interval) {
        this.silentLimitNanos = interval.toNanos() * 2 + TimeUnit.SECONDS.toNanos(1);
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("cloudterm-heartbeat").daemon().factory());
        timer.scheduleAtFixedRate(this::beat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void watch(WsClient client) {
        clients.add(client);
    }

    void forget(WsClient client) {
        clients.remove(client);
    }

    private void beat() {
        for (WsClient client : clients) {
            if (client.closed()) {
                clients.remove(client);
            } else if (client.silentNanos() > silentLimitNanos) {
                clients.remove(client);
                Thread.ofVirtual().start(() -> client.abandon(CloseCodes.TIMEOUT, "no answer to pings"));
            } else {
                Thread.ofVirtual().start(client::ping);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
