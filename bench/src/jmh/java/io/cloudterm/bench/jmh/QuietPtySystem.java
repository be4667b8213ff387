package io.cloudterm.bench.jmh;

import io.cloudterm.pty.ExitStatus;
import io.cloudterm.pty.Pty;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import io.cloudterm.pty.Signal;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Ptys without processes, for benchmarks of what sits above the pty (terminal lookups, flow
 * control): the child prints nothing, swallows input, and "dies" of the first signal it gets, so a
 * terminal on it runs its reader, writer and exit watcher as usual and ends on {@code hangUp()}.
 */
public final class QuietPtySystem implements PtySystem {

    @Override
    public Pty spawn(PtySpec spec) {
        return new QuietPty();
    }

    @Override
    public String description() {
        return "quiet (no process; for benchmarks)";
    }

    private static final class QuietPty implements Pty {
        private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

        @Override
        public long pid() {
            return -1;
        }

        @Override
        public int read(ByteBuffer dst) {
            exit.join();
            return -1; // nothing was printed, and the child has gone
        }

        @Override
        public void write(ByteBuffer src) {
            src.position(src.limit());
        }

        @Override
        public void resize(int columns, int rows) {
        }

        @Override
        public void signalGroup(Signal signal) {
            exit.complete(ExitStatus.killedBy(signal.linuxNumber()));
        }

        @Override
        public Optional<ExitStatus> exitStatus() {
            return Optional.ofNullable(exit.getNow(null));
        }

        @Override
        public ExitStatus waitFor() {
            return exit.join();
        }

        /** Completes on the first signal, with no thread waiting for it. */
        @Override
        public CompletionStage<ExitStatus> onExit() {
            return exit.copy();
        }

        @Override
        public void close() {
            signalGroup(Signal.KILL);
        }
    }
}
