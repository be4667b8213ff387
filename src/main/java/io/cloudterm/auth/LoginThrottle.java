package io.cloudterm.auth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Slows password guessing with two token buckets, one per client address and one per user name,
 * built so that a guesser can slow down only themselves: their failures never refuse a right
 * password sent from somewhere else.
 *
 * <p><b>Per address</b> (IPv6 per /64, the block one home or server usually gets, since a single
 * host can pick from 2^64 addresses): every attempt takes a token, and an address with none left is
 * refused, whatever the password. This is what stops one client trying many names or passwords,
 * and what bounds the bcrypt work any one client can cause. A refused attempt takes nothing (it
 * costs no password check, and charging it would let a flood of refusals keep the bucket empty).
 *
 * <p><b>Per user name</b>: it stops many addresses (a botnet) trying one account. But a bucket that
 * refused everyone once empty would hand the account's owner to whoever empties it: one wrong
 * guess every 12 s from a single address would lock the owner out for as long as it went on. So
 * the user bucket refuses only attempts from an address that has itself <em>failed</em> as that
 * user within the last {@link #DEFAULT_FAILURE_MEMORY} (see {@link FailedPairs}). An address with
 * no failure for the name is still checked when the user bucket is empty (its own bucket still
 * counts the attempt); a success forgets the address's failures for that name. The price: a
 * botnet of N addresses gets up to N guesses at one account beyond the user bucket per day of
 * memory, one per address, each also costing the address a token of its own bucket. For bcrypt
 * hashes and passwords people choose carefully that is still a slow attack, while the alternative
 * is an owner locked out by anyone with one address.
 *
 * <p>CPU stays bounded: every password check is one token of some address bucket, and the checks
 * themselves run on a fixed pool with a bounded queue ({@link PasswordCheck}), answering "busy"
 * beyond it. Where the secret is cheap to check and cannot be guessed (the 256-bit access token),
 * the caller checks it first in constant time and calls this throttle for failures only, with no
 * user name: a right token is never refused (see {@link Authenticator#loginWithToken}). Where the
 * secret is cheap to check but can be guessed and comes with every request (the single Basic
 * credential of {@code -c}), the caller asks {@link #peek} first, refusing a throttled address
 * before comparing anything, and counts failures only (see {@link ThrottledCredential}).
 *
 * <p>Defaults, for people typing passwords: an address may try 10 at once and then one every
 * 6 s (600 an hour: enough for a shared NAT, far too few for a dictionary); a user name may be
 * tried 5 times at once and then once every 12 s. A success refills nothing, so a correct password
 * is not a way to reset the count.
 *
 * <p>User names longer than 64 characters are counted by their hash, so the memory per key is
 * bounded; at most {@code maxKeys} addresses, as many user names and as many failed pairs are
 * tracked (see {@link TokenBuckets} for which bucket is forgotten first and why). With the default
 * 50,000 each, a flood of fresh names and addresses holds at most about 19 MB for the buckets
 * (measured: 190 bytes a key) and 8.4 MB for the failures (170 bytes each), and buckets that are
 * full again are dropped as new attempts come in.
 *
 * <p>Thread-safe: one {@link ReentrantLock}, held for a few map lookups and updates. Time comes from
 * a nanosecond {@link LongSupplier}, {@code System::nanoTime} outside tests.
 */
public final class LoginThrottle {

    /** A bucket's size and speed: {@code burst} attempts at once, then one per {@code refillEvery}. */
    public record Limit(int burst, Duration refillEvery) {
        public Limit {
            if (burst < 1 || refillEvery.isNegative() || refillEvery.isZero()) {
                throw new IllegalArgumentException("a login limit needs a burst of at least 1 and a positive refill time");
            }
        }
    }

    /** Whether an attempt may go ahead; if not, how long until it may. */
    public record Decision(boolean allowed, Duration retryAfter) {
        /** For a {@code Retry-After} header: the wait in whole seconds, rounded up, at least 1. */
        public long retryAfterSeconds() {
            long nanos = retryAfter.toNanos();
            return Math.max(1, nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1));
        }
    }

    public static final Limit DEFAULT_PER_ADDRESS = new Limit(10, Duration.ofSeconds(6));
    public static final Limit DEFAULT_PER_USER = new Limit(5, Duration.ofSeconds(12));
    public static final int DEFAULT_MAX_KEYS = 50_000;
    /** How long a failure from an address makes the user bucket apply to it. */
    public static final Duration DEFAULT_FAILURE_MEMORY = Duration.ofHours(24);

    private static final int LONGEST_PLAIN_NAME = 64;
    private static final Decision ALLOWED = new Decision(true, Duration.ZERO);

    private final ReentrantLock lock = new ReentrantLock();
    private final TokenBuckets addresses;
    private final TokenBuckets users;
    private final FailedPairs failures;
    private final LongSupplier nanoTime;

    /** The default limits and key cap, on {@link System#nanoTime()}. */
    public LoginThrottle() {
        this(DEFAULT_PER_ADDRESS, DEFAULT_PER_USER, DEFAULT_MAX_KEYS, System::nanoTime);
    }

    /**
     * @param maxKeys  how many addresses, user names and failed pairs are tracked at most, each
     * @param nanoTime a monotonic clock in nanoseconds
     */
    public LoginThrottle(Limit perAddress, Limit perUser, int maxKeys, LongSupplier nanoTime) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("the login throttle must track at least one key");
        }
        this.addresses = new TokenBuckets(perAddress, maxKeys);
        this.users = new TokenBuckets(perUser, maxKeys);
        this.failures = new FailedPairs(DEFAULT_FAILURE_MEMORY.toNanos(), maxKeys);
        this.nanoTime = nanoTime;
    }

    /**
     * Asks to check a password for {@code userName} (null: a secret of no user, counted per address
     * only) from {@code client}; allowed attempts are counted. Report the outcome of the check with
     * {@link #failed} or {@link #succeeded}.
     */
    public Decision attempt(InetAddress client, String userName) {
        String addressKey = addressKey(client);
        String userKey = userKey(userName);
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            long addressWait = addresses.wait(addressKey, now);
            if (addressWait > 0) {
                return new Decision(false, Duration.ofNanos(addressWait));
            }
            long userWait = userKey == null ? 0 : users.wait(userKey, now);
            if (userWait > 0 && failures.contains(addressKey, userKey, now)) {
                return new Decision(false, Duration.ofNanos(userWait));
            }
            addresses.take(addressKey, now);
            if (userKey != null && userWait == 0) {
                users.take(userKey, now);
            }
            return ALLOWED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether {@code client} may try a secret now, taking nothing: for a secret that is checked on
     * every request (HTTP Basic's single credential), where only failures are then counted, with
     * {@link #attempt} and no user name. Between this and the count, a few requests of the same
     * address in flight at once may each get one guess beyond the bucket; a guess costs one
     * SHA-256, so that is a handful at most, and each one is still counted.
     */
    public Decision peek(InetAddress client) {
        String addressKey = addressKey(client);
        lock.lock();
        try {
            long wait = addresses.wait(addressKey, nanoTime.getAsLong());
            return wait > 0 ? new Decision(false, Duration.ofNanos(wait)) : ALLOWED;
        } finally {
            lock.unlock();
        }
    }

    /** The check of an allowed attempt failed: from now on the user bucket applies to this address. */
    public void failed(InetAddress client, String userName) {
        withPair(client, userName, (addressKey, userKey) -> failures.add(addressKey, userKey, nanoTime.getAsLong()));
    }

    /** The check of an allowed attempt succeeded: this address's earlier failures for the name are forgiven. */
    public void succeeded(InetAddress client, String userName) {
        withPair(client, userName, failures::remove);
    }

    /** Runs {@code change} on the (address, user name) keys under the lock; nothing for no user name. */
    private void withPair(InetAddress client, String userName, java.util.function.BiConsumer<String, String> change) {
        String userKey = userKey(userName);
        if (userKey == null) {
            return;
        }
        String addressKey = addressKey(client);
        lock.lock();
        try {
            change.accept(addressKey, userKey);
        } finally {
            lock.unlock();
        }
    }

    /** How many addresses and user names have a bucket now (memory is proportional to it). */
    public int trackedKeys() {
        lock.lock();
        try {
            return addresses.size() + users.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many (address, user name) failures are remembered now. */
    public int rememberedFailures() {
        lock.lock();
        try {
            return failures.size();
        } finally {
            lock.unlock();
        }
    }

    private static String userKey(String userName) {
        if (userName == null) {
            return null;
        }
        return userName.length() > LONGEST_PLAIN_NAME ? Secrets.sha256(userName) : userName;
    }

    /** IPv4 addresses as they are; IPv6 ones by their /64 prefix. */
    static String addressKey(InetAddress client) {
        if (client instanceof Inet4Address) {
            return client.getHostAddress();
        }
        return HexFormat.of().formatHex(client.getAddress(), 0, 8) + "/64";
    }
}
