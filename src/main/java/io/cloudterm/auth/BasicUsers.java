package io.cloudterm.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * HTTP Basic against the users file, for scripts and other non-browser clients. bcrypt on every
 * request would cost ~200 ms each, so a right user:password is remembered, as a SHA-256 of it,
 * for a few minutes (as a session would be): repeated requests check a hash, not bcrypt. Wrong
 * ones are never remembered and always go through the attempt limiter.
 *
 * <p>A remembered credential holds only while the account still has the password it was checked
 * against: removing the user or changing the password ends it at the next request, not minutes later.
 */
final class BasicUsers {

    private static final int MAX_REMEMBERED = 1000;

    /** A right user:password, until when, and what the user's password was when it was checked. */
    private record Remembered(String user, Instant until, Object credential) {
    }

    private final PasswordVerifier passwords;
    private final Accounts accounts;
    private final AttemptLimiter limiter;
    private final Clock clock;
    private final Duration remember;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Remembered> rightUntil = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    /** {@code accounts} may be null (then a remembered credential lasts its time whatever happens). */
    BasicUsers(PasswordVerifier passwords, Accounts accounts, AttemptLimiter limiter, Clock clock, Duration remember) {
        this.passwords = passwords;
        this.accounts = accounts;
        this.limiter = limiter;
        this.clock = clock;
        this.remember = remember;
    }

    /**
     * Who sent {@code authorization} from {@code address}. With {@code checkPassword} false (a
     * WebSocket upgrade, see Authenticator#authenticateUpgrade) only a remembered credential is
     * accepted: no bcrypt runs and nothing is counted.
     */
    Authentication check(String authorization, String address, boolean checkPassword) {
        Optional<BasicHeader> header = BasicHeader.parse(authorization);
        if (header.isEmpty()) {
            return Authentication.UNKNOWN;
        }
        String user = header.get().user();
        String pair = header.get().userColonPassword();
        String key = Secrets.sha256(pair);
        if (remembered(key, user)) {
            return new Authentication.Known(new Principal(user), Optional.empty());
        }
        if (!checkPassword) {
            // ttyd clients fetch /token first, which checks the password (throttled) and leaves it
            // remembered for the upgrade that follows.
            return Authentication.UNKNOWN;
        }
        long wait = limiter.tryAttempt(address, user);
        if (wait > 0) {
            return new Authentication.Throttled(wait);
        }
        // Read before the check, so that a password changed meanwhile leaves a stale (refused) memory.
        Object credential = credentialOf(user);
        char[] password = header.get().password();
        try {
            return switch (passwords.verify(address, user, password)) {
                case RIGHT -> {
                    limiter.succeeded(address, user);
                    remember(key, user, credential);
                    yield new Authentication.Known(new Principal(user), Optional.empty());
                }
                case WRONG -> {
                    limiter.failed(address, user);
                    yield Authentication.UNKNOWN;
                }
                case BUSY -> Authentication.BUSY;
            };
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private Object credentialOf(String user) {
        return accounts == null ? null : accounts.credentialOf(user).orElse(null);
    }

    private boolean remembered(String key, String user) {
        Remembered memory;
        lock.lock();
        try {
            memory = rightUntil.get(key);
            if (memory == null) {
                return false;
            }
            if (!memory.until().isAfter(clock.instant())) {
                rightUntil.remove(key);
                return false;
            }
        } finally {
            lock.unlock();
        }
        // Outside the lock: the lookup may reread the users file.
        if (memory.user().equals(user) && Objects.equals(memory.credential(), credentialOf(user))) {
            return true;
        }
        forget(key);
        return false;
    }

    private void remember(String key, String user, Object credential) {
        lock.lock();
        try {
            rightUntil.put(key, new Remembered(user, clock.instant().plus(remember), credential));
        } finally {
            lock.unlock();
        }
    }

    private void forget(String key) {
        lock.lock();
        try {
            rightUntil.remove(key);
        } finally {
            lock.unlock();
        }
    }
}
