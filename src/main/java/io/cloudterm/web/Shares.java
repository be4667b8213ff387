package io.cloudterm.web;

import io.cloudterm.auth.Secrets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    // Most terminals are never shared: the maps are made with the first share, under this lock.
    private Map<String, Grant> byId;
    private Map<String, List<Runnable>> onRevoke;

    /** Makes a share; returns it and its token (the only time the token exists in clear). */
    Map.Entry<Share, String> create(boolean control) {
        String token = Secrets.random256();
        Share share = new Share(Secrets.random128(), control);
        Grant grant = new Grant(share, Secrets.sha256(token));
        synchronized (this) {
            if (byId == null) {
                byId = new HashMap<>();
            }
            byId.put(share.id(), grant);
        }
        return Map.entry(share, token);
    }

    /** The share a token stands for, if it is one of ours and not revoked. */
    Optional<Share> find(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        String hash = Secrets.sha256(token);
        return grants().stream().filter(g -> Secrets.equal(g.tokenHash(), hash)).map(Grant::share).findFirst();
    }

    /** Revokes a share: its token stops working and every client that came through it is let go. */
    boolean revoke(String id) {
        boolean existed;
        List<Runnable> actions;
        synchronized (this) {
            existed = byId != null && byId.remove(id) != null;
            actions = onRevoke == null ? null : onRevoke.remove(id);
        }
        if (actions != null) {
            actions.forEach(Runnable::run);
        }
        return existed;
    }

    /** Runs {@code action} if share {@code id} is revoked; returns an undo. */
    Runnable onRevoke(String id, Runnable action) {
        boolean revokedMeanwhile;
        synchronized (this) {
            if (onRevoke == null) {
                onRevoke = new HashMap<>();
            }
            onRevoke.computeIfAbsent(id, k -> new ArrayList<>()).add(action);
            revokedMeanwhile = byId == null || !byId.containsKey(id);
        }
        if (revokedMeanwhile) {
            revoke(id);
        }
        return () -> {
            synchronized (this) {
                List<Runnable> actions = onRevoke.get(id);
                if (actions != null) {
                    actions.remove(action);
                }
            }
        };
    }

    synchronized boolean exists(String id) {
        return byId != null && byId.containsKey(id);
    }

    List<Share> list() {
        return grants().stream().map(Grant::share).toList();
    }

    private synchronized List<Grant> grants() {
        return byId == null ? List.of() : List.copyOf(byId.values());
    }
}
