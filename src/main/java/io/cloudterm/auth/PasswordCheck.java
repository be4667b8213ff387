package io.cloudterm.auth;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Checks user names and passwords against the {@link UsersFile} on a bounded pool, so that a flood
 * of logins can neither take more CPU than the pool's threads nor queue without end, nor keep
 * anyone else's login out.
 *
 * <p>bcrypt runs on one platform thread per core (it is pure CPU: virtual threads would gain nothing
 * and hold their carriers), fed by a queue of {@value #QUEUE_PER_THREAD} checks per thread. When the
 * queue is full the answer is {@link Verdict.Busy} at once, for the web layer to send 503.
 *
 * <p><b>Fair between clients.</b> A client address (IPv6 per /64, as {@link LoginThrottle} counts
 * them) has at most one check in the pool at a time, queued or running: a second one while the
 * first is pending is {@link Verdict.Busy} at once. A plain first-come queue would let one client
 * with many connections fill it, so that the owner's right password got "busy" for as long as the
 * flood lasted. With one place per address, the queue is a round robin over the addresses that are
 * waiting: an address whose check is done goes to the back if it asks again. A flood from N
 * addresses gets N of every N + 1 checks, and another client's login waits behind at most one check
 * of each (N checks' time, ~130 ms each at the default cost, divided by the threads). The queue is
 * long for that reason: a waiting check holds only a parked virtual thread and a few bytes. What is
 * left: more addresses flooding at once than the queue holds (a botnet, each of them within its own
 * login throttle) can still fill it, and then a login is busy until a place frees.
 * An unknown user name is checked against a hash of the file's usual cost that nothing matches, so it
 * takes the time of a wrong password. A password over 72 bytes is refused before bcrypt, for every
 * name alike. Thread-safe.
 */
public final class PasswordCheck implements AutoCloseable {

    /** The outcome of a check. */
    public sealed interface Verdict permits Verdict.Accepted, Verdict.Rejected, Verdict.Busy {

        Verdict REJECTED = new Rejected();
        Verdict BUSY = new Busy();

        /** The password is right: this is who logged in. */
        record Accepted(Principal principal) implements Verdict {
        }

        /** Unknown user, wrong password, or a password we refuse (empty, over 72 bytes): the same answer for all. */
        record Rejected() implements Verdict {
        }

        /** Too many checks are waiting: try later. Nothing was checked. */
        record Busy() implements Verdict {
        }
    }

    /** Distinct waiting addresses per thread: a full queue is ~32 checks' time (~4 s at the default cost). */
    static final int QUEUE_PER_THREAD = 32;

    private final UsersFile users;
    private final ThreadPoolExecutor pool;
    /** The addresses (as {@link LoginThrottle#addressKey} names them) with a check in the pool. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    private PasswordCheck(UsersFile users, int threads, int queueCapacity) {
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("a check pool needs a thread and a queue slot");
        }
        this.users = users;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity),
                Thread.ofPlatform().name("cloudterm-bcrypt-", 1).daemon().factory(), new ThreadPoolExecutor.AbortPolicy());
    }

    /** A pool of one thread per core, {@value #QUEUE_PER_THREAD} waiting checks per thread. */
    public static PasswordCheck create(UsersFile users) {
        int threads = Runtime.getRuntime().availableProcessors();
        return create(users, threads, threads * QUEUE_PER_THREAD);
    }

    public static PasswordCheck create(UsersFile users, int threads, int queueCapacity) {
        return new PasswordCheck(users, threads, queueCapacity);
    }

    /**
     * Checks {@code password} for {@code user}, blocking until bcrypt is done: meant for a virtual
     * thread (a request handler), which waits without holding a carrier. Takes {@code password} over
     * and wipes it.
     */
    public Verdict check(String user, char[] password) {
        return check(null, user, password);
    }

    /** As {@link #check(String, char[])}, for a client at {@code client} (its address; null: not counted). */
    public Verdict check(String client, String user, char[] password) {
        CompletableFuture<Verdict> verdict = submit(client, user, password);
        try {
            return verdict.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.BUSY; // the request is going away; the check itself still finishes and wipes
        } catch (ExecutionException e) {
            throw new IllegalStateException("password check failed", e.getCause());
        }
    }

    /**
     * Starts checking {@code password} for {@code user}: a future of the verdict, already
     * {@link Verdict.Busy} if the queue is full and already {@link Verdict.Rejected} for a password
     * that cannot be right. Takes {@code password} over and wipes it before returning; cancelling the
     * future does not stop a check that was queued.
     */
    public CompletableFuture<Verdict> submit(String user, char[] password) {
        return submit(null, user, password);
    }

    /**
     * As {@link #submit(String, char[])}, for a client at {@code client}: {@link Verdict.Busy} at once
     * while that address (or its IPv6 /64) has a check in the pool. A null client is not counted.
     */
    public CompletableFuture<Verdict> submit(String client, String user, char[] password) {
        String address = client == null ? null : addressKey(client);
        if (address != null && !pending.add(address)) {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
            return CompletableFuture.completedFuture(Verdict.BUSY);
        }
        CompletableFuture<Verdict> verdict;
        try {
            verdict = submitCounted(user, password);
        } catch (RuntimeException | Error e) {
            release(address);
            throw e;
        }
        verdict.whenComplete((done, failure) -> release(address));
        return verdict;
    }

    private void release(String address) {
        if (address != null) {
            pending.remove(address);
        }
    }

    /**
     * The address key of a literal from the web layer: IPv4 as it is, IPv6 by its /64. Only a string
     * with a colon is parsed (it cannot be a host name, so no name lookup can happen); anything that
     * does not parse counts as itself.
     */
    private static String addressKey(String client) {
        if (client.indexOf(':') < 0) {
            return client;
        }
        try {
            return LoginThrottle.addressKey(InetAddress.getByName(client));
        } catch (java.net.UnknownHostException e) {
            return client;
        }
    }

    private CompletableFuture<Verdict> submitCounted(String user, char[] password) {
        byte[] key;
        try {
            if (user == null || password == null) {
                return CompletableFuture.completedFuture(Verdict.REJECTED);
            }
            key = PasswordHashes.key(password);
        } catch (IllegalArgumentException refused) {
            return CompletableFuture.completedFuture(Verdict.REJECTED);
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
        var known = users.hashOf(user);
        BcryptHash hash = known.orElseGet(users::unknownUserHash);
        CompletableFuture<Verdict> verdict = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    boolean right = PasswordHashes.matches(key, hash);
                    verdict.complete(right && known.isPresent() ? new Verdict.Accepted(new Principal(user)) : Verdict.REJECTED);
                } catch (RuntimeException | Error e) {
                    verdict.completeExceptionally(e);
                } finally {
                    PasswordHashes.wipe(key);
                }
            });
        } catch (RejectedExecutionException full) {
            PasswordHashes.wipe(key);
            return CompletableFuture.completedFuture(Verdict.BUSY);
        }
        return verdict;
    }

    /** Stops the pool; checks already queued still run. Later checks are {@link Verdict.Busy}. */
    @Override
    public void close() {
        pool.shutdown();
    }
}
