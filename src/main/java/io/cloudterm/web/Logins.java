package io.cloudterm.web;

import io.cloudterm.auth.AccessToken;
import io.cloudterm.auth.AttemptLimiter;
import io.cloudterm.auth.Authenticator;
import io.cloudterm.auth.LoginThrottle;
import io.cloudterm.auth.PasswordCheck;
import io.cloudterm.auth.PasswordVerifier;
import io.cloudterm.auth.Sessions;
import io.cloudterm.auth.UsersFile;
import io.cloudterm.config.ServerConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;

/** Builds the {@link Authenticator} a configuration asks for, with its sessions and throttle. */
final class Logins {

    private Logins() {
    }

    static Authenticator authenticator(ServerConfig config, Consumer<String> accessTokenShown) {
        ServerConfig.SessionLimits limits = config.sessions();
        Authenticator.Builder builder = Authenticator.builder(config.authMode())
                .sessions(new Sessions(limits.idle(), limits.lifetime(), System::nanoTime))
                .limiter(limiter(config.loginLimits()));
        switch (config.authMode()) {
            case TOKEN -> builder.accessToken(AccessToken.generate(accessTokenShown));
            case BASIC -> builder.credential(config.credential().orElseThrow());
            case USERS -> {
                UsersFile users = UsersFile.open(config.usersFile().orElseThrow());
                PasswordCheck check = PasswordCheck.create(users);
                builder.accounts(users).passwords((client, user, password) -> switch (check.check(client, user, password)) {
                    case PasswordCheck.Verdict.Accepted accepted -> PasswordVerifier.Verdict.RIGHT;
                    case PasswordCheck.Verdict.Rejected rejected -> PasswordVerifier.Verdict.WRONG;
                    case PasswordCheck.Verdict.Busy busy -> PasswordVerifier.Verdict.BUSY;
                }).closing(check);
            }
            default -> {
            }
        }
        return builder.build();
    }

    /**
     * Per address: the configured burst and refill. Per user name: half the burst at half the rate,
     * for addresses that have failed as that user (see {@link LoginThrottle} for why only those).
     * The address is the connection's peer, never a header such as X-Forwarded-For that a client
     * writes itself.
     */
    private static AttemptLimiter limiter(ServerConfig.LoginLimits limits) {
        LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Limit(limits.burst(), limits.refill()),
                new LoginThrottle.Limit(Math.max(1, limits.burst() / 2), limits.refill().multipliedBy(2)),
                LoginThrottle.DEFAULT_MAX_KEYS, System::nanoTime);
        return new AttemptLimiter() {
            @Override
            public long tryAttempt(String address, String user) {
                LoginThrottle.Decision decision = throttle.attempt(literal(address), user);
                return decision.allowed() ? 0 : decision.retryAfterSeconds();
            }

            @Override
            public long waitFor(String address) {
                LoginThrottle.Decision decision = throttle.peek(literal(address));
                return decision.allowed() ? 0 : decision.retryAfterSeconds();
            }

            @Override
            public void failed(String address, String user) {
                throttle.failed(literal(address), user);
            }

            @Override
            public void succeeded(String address, String user) {
                throttle.succeeded(literal(address), user);
            }
        };
    }

    /** The peer's address as Helidon reports it: always a literal, so no name lookup happens. */
    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress();
        }
    }
}
