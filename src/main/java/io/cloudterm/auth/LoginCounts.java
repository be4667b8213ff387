package io.cloudterm.auth;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How logins through the login form and the token exchange ended, in this process: counted as
 * they are decided, read by the meters when they are scraped.
 */
public final class LoginCounts {

    /** How one login ended. */
    public enum Result {
        /** Right token or password: a session was opened. */
        OK,
        /** Wrong token, user or password. */
        FAILED,
        /** Refused unchecked: too many attempts from that address or for that user. */
        THROTTLED,
        /** Refused unchecked: the password checks were saturated. */
        BUSY;

        /** The value of the metrics' {@code result} tag. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Map<Result, LongAdder> COUNTS = new EnumMap<>(Result.class);

    static {
        for (Result result : Result.values()) {
            COUNTS.put(result, new LongAdder());
        }
    }

    private LoginCounts() {
    }

    /** Counts {@code outcome} and returns it. */
    static Authenticator.LoginOutcome counted(Authenticator.LoginOutcome outcome) {
        Result result = switch (outcome) {
            case Authenticator.LoginOutcome.Success success -> Result.OK;
            case Authenticator.LoginOutcome.Wrong wrong -> Result.FAILED;
            case Authenticator.LoginOutcome.Throttled throttled -> Result.THROTTLED;
            case Authenticator.LoginOutcome.Busy busy -> Result.BUSY;
        };
        COUNTS.get(result).increment();
        return outcome;
    }

    public static long count(Result result) {
        return COUNTS.get(result).sum();
    }
}
