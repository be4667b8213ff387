package io.cloudterm.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * HTTP Basic against the users file, for scripts and other non-browser clients. bcrypt on every
 * request would cost ~200 ms each, so a right user:password is remembered, as a SHA-256 of it,
 * for a few minutes (as a session would be): repeated requests check a hash, not bcrypt. Wrong
 * ones are never remembered and always go through the attempt limiter.
 */
final class BasicUsers {

    private static final int MAX_REMEMBERED = 1000;

    private final PasswordVerifier passwords;
    private final AttemptLimiter limiter;
    private final Clock clock;
    private final Duration remember;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Instant> rightUntil = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    BasicUsers(PasswordVerifier passwords, AttemptLimiter limiter, Clock clock, Duration remember) {
        this.passwords = passwords;
        this.limiter = limiter;
        this.clock = clock;
        this.remember = remember;
    }

    Authentication check(String authorization, String address) {
        Optional<BasicHeader> header = BasicHeader.parse(authorization);
        if (header.isEmpty()) {
            return Authentication.UNKNOWN;
        }
        String user = header.get().user();
        String pair = header.get().userColonPassword();
        String key = Secrets.sha256(pair);
        if (remembered(key)) {
            return new Authentication.Known(new Principal(user), Optional.empty());
        }
        if (address == null) {
            // A WebSocket upgrade: Helidon does not tell us the peer there, so no throttling is
            // possible and no bcrypt is run. ttyd clients fetch /token first, which checks the
            // password (throttled) and leaves it remembered for the upgrade that follows.
            return Authentication.UNKNOWN;
        }
        long wait = limiter.tryAttempt(address, user);
        if (wait > 0) {
            return new Authentication.Throttled(wait);
        }
        char[] password = header.get().password();
        try {
            return switch (passwords.verify(user, password)) {
                case RIGHT -> {
                    remember(key);
                    yield new Authentication.Known(new Principal(user), Optional.empty());
                }
                case WRONG -> Authentication.UNKNOWN;
                case BUSY -> Authentication.BUSY;
            };
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private boolean remembered(String key) {
        lock.lock();
        try {
            Instant until = rightUntil.get(key);
            if (until != null && until.isAfter(clock.instant())) {
                return true;
            }
            rightUntil.remove(key);
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void remember(String key) {
        lock.lock();
        try {
            rightUntil.put(key, clock.instant().plus(remember));
        } finally {
            lock.unlock();
        }
    }
}
