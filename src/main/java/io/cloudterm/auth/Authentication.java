package io.cloudterm.auth;

import java.util.Optional;

/** Who a request is from, or why that is not known. */
public sealed interface Authentication {

    /** A known principal; {@code sessionId} is present when it came from a browser session. */
    record Known(Principal principal, Optional<String> sessionId) implements Authentication {
    }

    /** No credentials, or wrong ones. */
    record Unknown() implements Authentication {
    }

    /** Too many attempts: wait this many seconds. */
    record Throttled(long retryAfterSeconds) implements Authentication {
    }

    /** The password checks are saturated right now. */
    record Busy() implements Authentication {
    }

    Authentication UNKNOWN = new Unknown();
    Authentication BUSY = new Busy();
}
