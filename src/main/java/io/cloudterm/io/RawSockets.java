package io.cloudterm.io;

import java.io.IOException;

/**
 * Makes {@link RawSocket}s of connections accepted by someone else (Helidon): offered by the
 * native layer, absent in pure-Java mode.
 */
public interface RawSockets {

    /**
     * Takes over the connected TCP socket {@code fd}, which its owner is about to close: the new
     * {@link RawSocket} works on a duplicate of the fd, and the owner's close of {@code fd} then
     * releases only its own reference, neither shutting the connection down nor resetting it.
     * {@code fd} itself is left alone (the owner closes it).
     */
    RawSocket adopt(int fd) throws IOException;
}
