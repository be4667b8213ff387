package io.cloudterm.auth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Slows password guessing with two token buckets per attempt: one for the client address and one
 * for the user name tried. An attempt goes ahead only if both have a token, and then takes one from
 * each; a refused attempt takes nothing (it costs no password check, and charging it would let a
 * flood of refusals lock a user out for ever). The address bucket stops one client trying many
 * names; the user bucket stops many clients (a botnet) trying one name.
 *
 * <p>Defaults, for people typing passwords: an address may try 10 at once and then one every
 * 6 s (600 an hour: enough for a shared NAT, far too few for a dictionary); a user name may be
 * tried 5 times at once and then once every 12 s (300 an hour from the whole internet). A success
 * does not refill anything, so a correct password is not a way to reset the count.
 *
 * <p>IPv6 clients are counted per /64, the block one home or server usually gets, since a single
 * host can pick from 2^64 addresses. User names longer than 64 characters are counted by their
 * hash, so the memory per key is bounded; at most {@code maxKeys} addresses and as many user names
 * are tracked (see {@link TokenBuckets} for which one is forgotten first and why). With the
 * default 50,000 each, a flood of fresh names and addresses holds at most about 19 MB (measured:
 * 190 bytes a key), and buckets that are full again are dropped as new attempts come in.
 *
 * <p>Thread-safe: one {@link ReentrantLock}, held for two map lookups and, when allowed, two
 * updates. Time comes from a nanosecond {@link LongSupplier}, {@code System::nanoTime} outside
 * tests.
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

    private static final int LONGEST_PLAIN_NAME = 64;
    private static final Decision ALLOWED = new Decision(true, Duration.ZERO);

    private final ReentrantLock lock = new ReentrantLock();
    private final TokenBuckets addresses;
    private final TokenBuckets users;
    private final LongSupplier nanoTime;

    /** The default limits and key cap, on {@link System#nanoTime()}. */
    public LoginThrottle() {
        this(DEFAULT_PER_ADDRESS, DEFAULT_PER_USER, DEFAULT_MAX_KEYS, System::nanoTime);
    }

    /**
     * @param maxKeys  how many addresses, and separately how many user names, are tracked at most
     * @param nanoTime a monotonic clock in nanoseconds
     */
    public LoginThrottle(Limit perAddress, Limit perUser, int maxKeys, LongSupplier nanoTime) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("the login throttle must track at least one key");
        }
        this.addresses = new TokenBuckets(perAddress, maxKeys);
        this.users = new TokenBuckets(perUser, maxKeys);
        this.nanoTime = nanoTime;
    }

    /** Asks to check a password for {@code userName} from {@code client}; allowed ones are counted. */
    public Decision attempt(InetAddress client, String userName) {
        String addressKey = addressKey(client);
        String userKey = userName.length() > LONGEST_PLAIN_NAME ? Secrets.sha256(userName) : userName;
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            long wait = Math.max(addresses.wait(addressKey, now), users.wait(userKey, now));
            if (wait > 0) {
                return new Decision(false, Duration.ofNanos(wait));
            }
            addresses.take(addressKey, now);
            users.take(userKey, now);
            return ALLOWED;
        } finally {
            lock.unlock();
        }
    }

    /** How many addresses and user names are tracked now (memory is proportional to it). */
    public int trackedKeys() {
        lock.lock();
        try {
            return addresses.size() + users.size();
        } finally {
            lock.unlock();
        }
    }

    /** IPv4 addresses as they are; IPv6 ones by their /64 prefix. */
    static String addressKey(InetAddress client) {
        if (client instanceof Inet4Address) {
            return client.getHostAddress();
        }
        return HexFormat.of().formatHex(client.getAddress(), 0, 8) + "/64";
    }
}
