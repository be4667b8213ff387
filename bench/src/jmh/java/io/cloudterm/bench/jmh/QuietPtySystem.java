package io.cloudterm.bench.jmh;

import io.cloudterm.pty.ExitStatus;
import io.cloudterm.pty.Pty;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import io.cloudterm.pty.Signal;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

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

    @Override
    public void close() {
    }

    private static final class QuietPty implements Pty {
        private final CountDownLatch exited = new CountDownLatch(1);
        private final AtomicReference<ExitStatus> status = new AtomicReference<>();

        @Override
        public long pid() {
            return -1;
        }

        @Override
        public void awaitOutput() {
            awaitExit();
        }

        @Override
        public int read(ByteBuffer dst) {
            awaitExit();
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
            if (status.compareAndSet(null, ExitStatus.killedBy(signal.linuxNumber()))) {
                exited.countDown();
            }
        }

        @Override
        public Optional<ExitStatus> exitStatus() {
            return Optional.ofNullable(status.get());
        }

        @Override
        public ExitStatus waitFor() throws InterruptedException {
            exited.await();
            return status.get();
        }

        @Override
        public void close() {
            signalGroup(Signal.KILL);
        }

        private void awaitExit() {
            boolean interrupted = false;
            while (true) {
                try {
                    exited.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
