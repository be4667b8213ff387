package io.cloudterm.websocket;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which of our upgraders answers a WebSocket upgrade on a Helidon server we do not own, by the
 * port it is bound to and the request's path. Helidon builds HTTP/1 upgraders from the service
 * loader for every listener, before any feature of ours runs and without telling which server
 * they serve ({@link SharedWebSocketUpgrades}); the bound port is what both sides know.
 */
public final class UpgradeRoutes {

    private static final Map<Integer, List<DirectUpgrader>> BY_PORT = new ConcurrentHashMap<>();

    private UpgradeRoutes() {
    }

    /** Routes upgrades of {@code upgrader.path()} on {@code port} to it until the registration is closed. */
    public static Registration add(int port, DirectUpgrader upgrader) {
        BY_PORT.computeIfAbsent(port, p -> new CopyOnWriteArrayList<>()).add(upgrader);
        return () -> BY_PORT.computeIfPresent(port, (p, list) -> {
            list.remove(upgrader);
            return list.isEmpty() ? null : list;
        });
    }

    /** The upgrader of {@code path} on {@code port}, if one of ours serves it. */
    static Optional<DirectUpgrader> find(int port, String path) {
        List<DirectUpgrader> upgraders = BY_PORT.get(port);
        if (upgraders == null) {
            return Optional.empty();
        }
        return upgraders.stream().filter(upgrader -> upgrader.path().equals(path)).findFirst();
    }

    /** Ends a route when its server stops. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
