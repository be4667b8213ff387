package io.cloudterm.terminal;

import java.util.ArrayList;
import java.util.List;

/**
 * The guests in control of one terminal right now: each client of a signed-in user attached with
 * control through a share link, and the share it came through. What they may do besides typing
 * (move files, say) lasts exactly as long as this says they are here, and their share exists.
 * A client counts from just before its attach (its greeting already tells its page it is in
 * control, and the page may act on that at once) until it is detached.
 */
public final class Controllers {

    /** One client in control, of {@code user}, through share {@code shareId}. */
    private record Hand(String user, String shareId) {
    }

    // Guarded by this; never calls out while holding it (it is taken under a terminal's lock).
    private final List<Hand> present = new ArrayList<>();

    /** Counts a client of {@code user} in control through {@code share}; returns the undo, which acts once. */
    Runnable arrive(String user, Shares.Share share) {
        Hand hand = new Hand(user, share.id());
        synchronized (this) {
            present.add(hand);
        }
        boolean[] gone = new boolean[1];
        return () -> {
            synchronized (this) {
                if (!gone[0]) {
                    gone[0] = true;
                    present.remove(hand);
                }
            }
        };
    }

    /** Whether {@code user} has a client here in control through a share that {@code shares} still has. */
    boolean includes(String user, Shares shares) {
        List<String> through;
        synchronized (this) {
            through = present.stream().filter(h -> h.user().equals(user)).map(Hand::shareId).toList();
        }
        return through.stream().anyMatch(shares::exists);
    }
}
