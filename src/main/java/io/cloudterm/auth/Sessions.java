package io.cloudterm.auth;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Browser sessions: a random 256-bit id, new at every login, that lives in an HttpOnly cookie and
 * here only as its SHA-256, so a leaked table (a heap dump) opens no live session. A session ends
 * when it is closed, after an idle time, or at the end of an absolute lifetime however busy it is.
 *
 * <p>Expiry is ordered, so it never scans the table. All sessions share one idle timeout and one
 * lifetime, hence the session that idles out first is the least recently used and the one that
 * reaches its lifetime first is the oldest. Two orders, each kept in O(1) per operation:
 * <ul>
 *   <li>use order: a {@link LinkedHashMap} in access order, keyed by the id's hash, which is also
 *       the O(1) lookup; its eldest entry is the next to idle out;
 *   <li>birth order: a doubly linked list threaded through the sessions themselves (two fields per
 *       session, no node objects); its head is the next to reach its lifetime. A queue checked
 *       lazily would be as fast, but would keep every closed session until its lifetime had passed.
 * </ul>
 * Removing what is due therefore looks only at the two heads and stops at the first that is not
 * due: O(number expired). Each {@link #find} and {@link #open} removes a few due sessions, which
 * alone keeps the table from growing; {@link #expireDue()} is the periodic sweep. A third list,
 * per principal, makes {@link #closeAll} cost the sessions of that user, not the table.
 *
 * <p>Thread-safe. One {@link ReentrantLock} (not {@code synchronized}, which pins a virtual thread
 * on JDK 21) guards everything; hashing and the end actions run outside it, so a critical section
 * is a few pointer updates. The clock is read inside the lock so that use order and the recorded
 * times agree. Time comes from a nanosecond {@link LongSupplier} ({@code System::nanoTime}), which
 * is monotonic and lets tests move time without sleeping.
 *
 * <p>Memory, measured (SessionsTest): about 190 bytes per session, which is the
 * layout one expects with compressed pointers (session object 56, map entry 40, the hash as a
 * 43-character String 88, table slot ~7), plus about 100 per distinct user for the per-user index.
 */
public final class Sessions {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(12);

    private static final System.Logger LOG = System.getLogger(Sessions.class.getName());
    /** Longer than any id we issue (43 characters): refused before hashing. */
    private static final int MAX_ID_LENGTH = 100;
    /** Due sessions ended by each find/open, and per lock hold in a sweep: keeps lock holds short. */
    private static final int BATCH = 16;

    private static final class Session {
        final String hash;
        final Principal principal;
        /** What the password was when the session began ({@link Accounts#credentialOf}), or null. */
        final Object credential;
        final long born;
        long lastUsed;
        Session olderBorn, youngerBorn;
        Session previousOfUser, nextOfUser;
        /** What to run when the session ends; null when nothing is registered or after the end. */
        List<Runnable> endActions;

        Session(String hash, Principal principal, Object credential, long now) {
            this.hash = hash;
            this.principal = principal;
            this.credential = credential;
            this.born = now;
            this.lastUsed = now;
        }
    }

    /** Sessions ended under the lock, whose actions run after it is released. */
    private static final class Ended {
        int count;
        List<Runnable> actions = List.of();

        void add(List<Runnable> more) {
            count++;
            if (more != null) {
                if (actions.isEmpty()) {
                    actions = new ArrayList<>();
                }
                actions.addAll(more);
            }
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, Session> byHash = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Principal, Session> newestOfUser = new HashMap<>();
    private Session oldestBorn, youngestBorn;
    private final long idleNanos;
    private final long lifetimeNanos;
    private final LongSupplier nanoTime;

    /** Sessions with the default idle timeout (30 min) and lifetime (12 h), on {@link System#nanoTime()}. */
    public Sessions() {
        this(DEFAULT_IDLE_TIMEOUT, DEFAULT_LIFETIME, System::nanoTime);
    }

    /**
     * @param idleTimeout a session unused this long ends
     * @param lifetime    a session this old ends, however busy
     * @param nanoTime    a monotonic clock in nanoseconds, {@code System::nanoTime} outside tests
     */
    public Sessions(Duration idleTimeout, Duration lifetime, LongSupplier nanoTime) {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("session idle timeout and lifetime must be positive");
        }
        this.idleNanos = idleTimeout.toNanos();
        this.lifetimeNanos = lifetime.toNanos();
        this.nanoTime = nanoTime;
    }

    /** A live session: whose it is, and the credential it was opened with (null if none was given). */
    public record Found(Principal principal, Object credential) {
    }

    /** Starts a session and returns its id, for the cookie only: it is not kept. */
    public String open(Principal principal) {
        return open(principal, null);
    }

    /**
     * Starts a session opened with {@code credential} (what {@link Accounts#credentialOf} said of the
     * password that was checked, or null) and returns its id, for the cookie only: it is not kept.
     */
    public String open(Principal principal, Object credential) {
        String id = Secrets.random256();
        String hash = Secrets.sha256(id);
        Ended ended = new Ended();
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            endDue(now, BATCH, ended);
            Session newest = newestOfUser.get(principal);
            // One Principal object per user, however many sessions it has.
            Session session = new Session(hash, newest == null ? principal : newest.principal, credential, now);
            byHash.put(hash, session);
            linkBirth(session);
            linkUser(session, newest);
        } finally {
            lock.unlock();
        }
        runActions(ended);
        return id;
    }

    /** Who the session with this id belongs to, if it is live; counts as a use of it. */
    public Optional<Principal> find(String id) {
        return lookup(id).map(Found::principal);
    }

    /** The session with this id and the credential it was opened with, if it is live; counts as a use of it. */
    public Optional<Found> lookup(String id) {
        if (!plausible(id)) {
            return Optional.empty();
        }
        String hash = Secrets.sha256(id);
        Ended ended = new Ended();
        Found found;
        lock.lock();
        try {
            Session session = use(hash, ended);
            found = session == null ? null : new Found(session.principal, session.credential);
        } finally {
            lock.unlock();
        }
        runActions(ended);
        return Optional.ofNullable(found);
    }

    /** Ends the session with this id (logout), if it is live. */
    public void close(String id) {
        if (!plausible(id)) {
            return;
        }
        String hash = Secrets.sha256(id);
        Ended ended = new Ended();
        lock.lock();
        try {
            Session session = byHash.remove(hash);
            if (session != null) {
                end(session, ended);
            }
        } finally {
            lock.unlock();
        }
        runActions(ended);
    }

    /** Ends every session of this principal ("log out everywhere"); returns how many there were. */
    public int closeAll(Principal principal) {
        return closeStale(principal, credential -> false);
    }

    /**
     * Ends the sessions of this principal whose credential {@code current} does not accept (the
     * account was removed or its password changed); returns how many there were. {@code current}
     * runs under the lock: it must only compare.
     */
    public int closeStale(Principal principal, java.util.function.Predicate<Object> current) {
        Ended ended = new Ended();
        lock.lock();
        try {
            for (Session s = newestOfUser.get(principal); s != null; ) {
                Session next = s.nextOfUser;
                if (!current.test(s.credential)) {
                    byHash.remove(s.hash);
                    end(s, ended);
                }
                s = next;
            }
        } finally {
            lock.unlock();
        }
        runActions(ended);
        return ended.count;
    }

    /**
     * Runs {@code action} once when the session with this id ends, whatever ends it (close,
     * closeAll, idle timeout, lifetime), on the thread that ends it and outside any lock: keep it
     * short or hand it off. Registering counts as a use of the session. If the session is not live
     * (unknown, closed, due) the action runs at once, here. Returns what unregisters the action; an
     * unregister racing with the end may come too late to stop it.
     */
    public Runnable onEnd(String id, Runnable action) {
        Runnable once = action::run; // a distinct object, so unregistering removes this registration only
        Ended ended = new Ended();
        Session session = null;
        if (plausible(id)) {
            String hash = Secrets.sha256(id);
            lock.lock();
            try {
                session = use(hash, ended);
                if (session != null) {
                    if (session.endActions == null) {
                        session.endActions = new ArrayList<>(2);
                    }
                    session.endActions.add(once);
                }
            } finally {
                lock.unlock();
            }
        }
        runActions(ended);
        if (session == null) {
            action.run();
            return () -> { };
        }
        Session registered = session;
        return () -> {
            lock.lock();
            try {
                if (registered.endActions != null) {
                    registered.endActions.remove(once);
                }
            } finally {
                lock.unlock();
            }
        };
    }

    /**
     * Ends every session that is due (idle too long or too old) and runs their end actions; for a
     * periodic sweep. Costs the number ended, not the number live. Returns that number.
     */
    public int expireDue() {
        int total = 0;
        while (true) {
            Ended ended = new Ended();
            lock.lock();
            try {
                endDue(nanoTime.getAsLong(), BATCH, ended);
            } finally {
                lock.unlock();
            }
            runActions(ended);
            total += ended.count;
            if (ended.count < BATCH) {
                return total;
            }
        }
    }

    /** Live sessions, including any that are due but not yet removed. */
    public int size() {
        lock.lock();
        try {
            return byHash.size();
        } finally {
            lock.unlock();
        }
    }

    /** The keys of the table, for a test to check they are hashes. */
    List<String> storedKeys() {
        lock.lock();
        try {
            return List.copyOf(byHash.keySet());
        } finally {
            lock.unlock();
        }
    }

    // ---- everything below runs with the lock held ----

    /** The live session with this hash, marked used now; a due one is ended instead. */
    private Session use(String hash, Ended ended) {
        long now = nanoTime.getAsLong();
        endDue(now, BATCH, ended);
        Session session = byHash.get(hash); // moves it to the young end of the use order
        if (session == null) {
            return null;
        }
        if (due(session, now)) {
            byHash.remove(hash);
            end(session, ended);
            return null;
        }
        session.lastUsed = now;
        return session;
    }

    /** Ends up to {@code max} due sessions, looking only at the heads of the two orders. */
    private void endDue(long now, int max, Ended ended) {
        for (int i = 0; i < max; i++) {
            Session next = null;
            if (!byHash.isEmpty()) {
                Session leastRecentlyUsed = byHash.values().iterator().next();
                if (now - leastRecentlyUsed.lastUsed >= idleNanos) {
                    next = leastRecentlyUsed;
                }
            }
            if (next == null && oldestBorn != null && now - oldestBorn.born >= lifetimeNanos) {
                next = oldestBorn;
            }
            if (next == null) {
                return;
            }
            byHash.remove(next.hash);
            end(next, ended);
        }
    }

    private boolean due(Session session, long now) {
        return now - session.lastUsed >= idleNanos || now - session.born >= lifetimeNanos;
    }

    /** Unlinks a session already removed from {@code byHash} and takes its end actions. */
    private void end(Session session, Ended ended) {
        unlinkBirth(session);
        unlinkUser(session);
        ended.add(session.endActions);
        session.endActions = null;
    }

    private void linkBirth(Session session) {
        session.olderBorn = youngestBorn;
        if (youngestBorn == null) {
            oldestBorn = session;
        } else {
            youngestBorn.youngerBorn = session;
        }
        youngestBorn = session;
    }

    private void unlinkBirth(Session session) {
        if (session.olderBorn == null) {
            oldestBorn = session.youngerBorn;
        } else {
            session.olderBorn.youngerBorn = session.youngerBorn;
        }
        if (session.youngerBorn == null) {
            youngestBorn = session.olderBorn;
        } else {
            session.youngerBorn.olderBorn = session.olderBorn;
        }
        session.olderBorn = null;
        session.youngerBorn = null;
    }

    private void linkUser(Session session, Session newest) {
        session.nextOfUser = newest;
        if (newest != null) {
            newest.previousOfUser = session;
        }
        newestOfUser.put(session.principal, session);
    }

    private void unlinkUser(Session session) {
        if (session.previousOfUser != null) {
            session.previousOfUser.nextOfUser = session.nextOfUser;
        } else if (session.nextOfUser != null) {
            newestOfUser.put(session.principal, session.nextOfUser);
        } else {
            newestOfUser.remove(session.principal);
        }
        if (session.nextOfUser != null) {
            session.nextOfUser.previousOfUser = session.previousOfUser;
        }
        session.previousOfUser = null;
        session.nextOfUser = null;
    }

    // ---- outside the lock ----

    private static boolean plausible(String id) {
        return id != null && !id.isEmpty() && id.length() <= MAX_ID_LENGTH;
    }

    /** Runs the end actions of ended sessions; one that throws does not stop the others. */
    private static void runActions(Ended ended) {
        for (Runnable action : ended.actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "an action run at the end of a session failed", e);
            }
        }
    }
}
