package io.cloudterm.web;

import io.cloudterm.auth.Secrets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The share links of one terminal: random capability tokens that let other users (who still log
 * in) attach, read-only or with control. Kept as hashes; revocable one by one.
 */
final class Shares {

    /** One share as its owner sees it: an id to revoke it by, and what it allows. */
    record Share(String id, boolean control) {
    }

    private record Grant(Share share, String tokenHash) {
    }

    private final Map<String, Grant> byId = new ConcurrentHashMap<>();
    private final Map<String, List<Runnable>> onRevoke = new ConcurrentHashMap<>();

    /** Makes a share; returns it and its token (the only time the token exists in clear). */
    Map.Entry<Share, String> create(boolean control) {
        String token = Secrets.random256();
        Share share = new Share(Secrets.random128(), control);
        byId.put(share.id(), new Grant(share, Secrets.sha256(token)));
        return Map.entry(share, token);
    }

    /** The share a token stands for, if it is one of ours and not revoked. */
    Optional<Share> find(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        String hash = Secrets.sha256(token);
        return byId.values().stream().filter(g -> Secrets.equal(g.tokenHash(), hash)).map(Grant::share).findFirst();
    }

    /** Revokes a share: its token stops working and every client that came through it is let go. */
    boolean revoke(String id) {
        boolean existed = byId.remove(id) != null;
        List<Runnable> actions = onRevoke.remove(id);
        if (actions != null) {
            actions.forEach(Runnable::run);
        }
        return existed;
    }

    /** Runs {@code action} if share {@code id} is revoked; returns an undo. */
    Runnable onRevoke(String id, Runnable action) {
        onRevoke.computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(action);
        if (!byId.containsKey(id)) {
            revoke(id); // revoked in the meantime
        }
        return () -> {
            List<Runnable> actions = onRevoke.get(id);
            if (actions != null) {
                actions.remove(action);
            }
        };
    }

    boolean exists(String id) {
        return byId.containsKey(id);
    }

    List<Share> list() {
        return byId.values().stream().map(Grant::share).toList();
    }
}
