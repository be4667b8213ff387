package io.cloudterm.auth;

/** Decides whether one more login attempt may go ahead now. */
@FunctionalInterface
public interface AttemptLimiter {

    /**
     * Takes an attempt from {@code address} for {@code user} if allowed and returns 0; otherwise
     * returns the whole seconds to wait (at least 1), for a {@code Retry-After} header.
     */
    long tryAttempt(String address, String user);

    AttemptLimiter UNLIMITED = (address, user) -> 0;
}
