package io.cloudterm.terminal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The share links of one terminal: random capability tokens that let others attach, read-only or
 * with control. A view link is enough by itself to watch, unless it was made for signed-in users
 * only; a control link always needs its holder signed in as well. Only the tokens' SHA-256 is
 * kept, compared in constant time; a token is never logged. Revocable one by one.
 */
public final class Shares {

    /**
     * One share as its owner sees it: an id to revoke it by, and what it allows: {@code control}
     * (typing) or only watching, and whether its holder must be signed in ({@code signedInOnly}).
     * Control is never given to someone nobody knows: a control share is always signed-in only.
     */
    public record Share(String id, boolean control, boolean signedInOnly) {

        public Share {
            signedInOnly = signedInOnly || control;
        }

        /** Whether the token alone lets its holder in, signed in or not (to watch only). */
        public boolean openToAnyone() {
            return !signedInOnly;
        }
    }

    /** A share just made, and its token: the only time the token exists in clear. */
    public record Created(Share share, String token) {
        @Override
        public String toString() {
            return "Created[" + share + "]"; // never the token
        }
    }

    private record Grant(Share share, byte[] tokenHash) {
    }

    /** Longer than any token we make: a bigger one is not worth hashing. */
    private static final int MAX_TOKEN_LENGTH = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    // Most terminals are never shared: the maps are made with the first share, under this lock.
    private Map<String, Grant> byId;
    private Map<String, List<Runnable>> onRevoke;

    /**
     * Makes a share that lets its holder {@code control} the terminal or only watch it, only once
     * signed in or ({@code signedInOnly} false, watching only) with the link alone.
     */
    public Created create(boolean control, boolean signedInOnly) {
        String token = random(32);
        Share share = new Share(random(16), control, signedInOnly);
        Grant grant = new Grant(share, sha256(token));
        synchronized (this) {
            if (byId == null) {
                byId = new HashMap<>();
            }
            byId.put(share.id(), grant);
        }
        return new Created(share, token);
    }

    /** The share a token stands for, if it is one of ours and not revoked. */
    public Optional<Share> find(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        byte[] hash = sha256(token);
        return grants().stream().filter(g -> MessageDigest.isEqual(g.tokenHash(), hash)).map(Grant::share).findFirst();
    }

    /** Revokes a share: its token stops working and every client that came through it is let go. */
    public boolean revoke(String id) {
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

    /** Runs {@code action} if share {@code id} is revoked (at once if it already is); returns an undo. */
    public Runnable onRevoke(String id, Runnable action) {
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

    public synchronized boolean exists(String id) {
        return byId != null && byId.containsKey(id);
    }

    public List<Share> list() {
        return grants().stream().map(Grant::share).toList();
    }

    private synchronized List<Grant> grants() {
        return byId == null ? List.of() : List.copyOf(byId.values());
    }

    /** {@code bytes} random bytes, URL-safe base64 without padding: names that cannot be guessed. */
    static String random(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
