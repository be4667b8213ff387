package io.cloudterm.observe;

import io.cloudterm.pty.PtySystem;
import io.cloudterm.terminal.Terminal;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the meters and health checks read of one running server, in plain Java types (so that the
 * server can describe itself without naming any Helidon metrics type).
 *
 * @param terminals          the terminals alive now
 * @param scrollbackBytes    bytes of scrollback its terminals hold now
 * @param ptys               the pty system its terminals run on, for the spawn check
 * @param recordingDirectory where terminals are recorded (--record), if they are
 * @param usersFile          the accounts file (--users), if there is one
 * @param filesCache         the shared directory's cache of small files ({@link FilesCache#NONE} without one)
 * @param relays             a gateway's relays to its hosts ({@link Relays#NONE} for a server that is not one)
 */
public record ObservedServer(Supplier<List<Terminal>> terminals, LongSupplier scrollbackBytes, PtySystem ptys,
                             Optional<Path> recordingDirectory, Optional<Path> usersFile, FilesCache filesCache,
                             Relays relays) {

    /**
     * What a gateway relays.
     *
     * @param open       terminal connections relayed now
     * @param hosts      hosts known now
     * @param bytes      bytes relayed by connections that have ended, both ways
     * @param hostsLost  connections that ended because their host went away
     * @param unreached  terminals that no host could be reached for
     */
    public record Relays(LongSupplier open, LongSupplier hosts, LongSupplier bytes, LongSupplier hostsLost,
                         LongSupplier unreached) {
        public static final Relays NONE = new Relays(() -> 0, () -> 0, () -> 0, () -> 0, () -> 0);
    }

    /**
     * What the cache of shared files has done.
     *
     * @param hits      answers from memory so far
     * @param reads     files read into memory so far
     * @param heldBytes bytes of files held now
     */
    public record FilesCache(LongSupplier hits, LongSupplier reads, LongSupplier heldBytes) {
        public static final FilesCache NONE = new FilesCache(() -> 0, () -> 0, () -> 0);
    }
}
