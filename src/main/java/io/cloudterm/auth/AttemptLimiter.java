package io.cloudterm.auth;

/**
 * Decides whether one more login attempt may go ahead now, and hears how the allowed ones ended
 * (see {@link LoginThrottle} for why the outcome matters).
 */
public interface AttemptLimiter {

    /**
     * Takes an attempt from {@code address} for {@code user} (null: a secret of no user, limited per
     * address only) if allowed and returns 0; otherwise returns the whole seconds to wait (at least
     * 1), for a {@code Retry-After} header.
     */
    long tryAttempt(String address, String user);

    /**
     * The whole seconds {@code address} must wait before trying a secret (0: it may now), taking
     * nothing: for a secret sent with every request, whose failures alone are then taken with
     * {@link #tryAttempt} and no user.
     */
    long waitFor(String address);

    /** An allowed attempt had a wrong secret. */
    void failed(String address, String user);

    /** An allowed attempt had the right secret. */
    void succeeded(String address, String user);

    AttemptLimiter UNLIMITED = new AttemptLimiter() {
        @Override
        public long tryAttempt(String address, String user) {
            return 0;
        }

        @Override
        public long waitFor(String address) {
            return 0;
        }

        @Override
        public void failed(String address, String user) {
        }

        @Override
        public void succeeded(String address, String user) {
        }
    };
}
