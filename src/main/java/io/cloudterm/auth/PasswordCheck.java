package io.cloudterm.auth;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Checks user names and passwords against the {@link UsersFile} on a bounded pool, so that a flood
 * of logins can neither take more CPU than the pool's threads nor queue without end.
 *
 * <p>bcrypt runs on one platform thread per core (it is pure CPU: virtual threads would gain nothing
 * and hold their carriers), fed by a queue of {@value #QUEUE_PER_THREAD} checks per thread. When the
 * queue is full the answer is {@link Verdict.Busy} at once, for the web layer to send 429 or 503.
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

    /** A full queue waits about 5 checks' time (~0.65 s at the default cost): longer, and the client may as well retry. */
    static final int QUEUE_PER_THREAD = 4;

    private final UsersFile users;
    private final ThreadPoolExecutor pool;

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
        CompletableFuture<Verdict> verdict = submit(user, password);
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
