package io.cloudterm.pty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One child process running on its own pseudo-terminal. The process is the session leader of a new
 * session and the pty is its controlling terminal, so job control and Ctrl-C work inside it.
 *
 * <p>Threading: one thread reads, any thread may write, resize, signal or wait. {@link #read} is
 * meant for a virtual thread: implementations park it instead of pinning its carrier.
 */
public interface Pty extends AutoCloseable {

    /** The child's process id (also its process group id and session id). */
    long pid();

    /**
     * Reads output of the child into {@code dst} from its position up to its limit, blocking until at
     * least one byte is there. Returns the number of bytes read, or -1 once the child has gone and
     * all its output has been read (or the pty was closed).
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Reads what output there is now, without waiting: the number of bytes read, 0 if there is
     * none yet (then {@link #onOutput} says when), or -1 at the end. Implementations that cannot
     * tell wait here as {@link #read} does, and never return 0. After a small read an
     * implementation may say 0 without looking, as output that is already there makes
     * {@link #onOutput} run at once.
     */
    default int readNow(ByteBuffer dst) throws IOException {
        return read(dst);
    }

    /**
     * Runs {@code action} once, when output may be read or the pty has ended or was closed (the
     * next {@link #readNow} tells which), so that an idle terminal's reader holds no thread. The
     * action may run on an implementation's own thread, or at once on this one: it must be short
     * and must not block. Only called after {@link #readNow} returned 0.
     */
    default void onOutput(Runnable action) throws IOException {
        action.run();
    }

    /** Writes every remaining byte of {@code src} to the child's terminal input. */
    void write(ByteBuffer src) throws IOException;

    /**
     * Writes what the pty takes at once, never waiting: returns the number of bytes written (0 when
     * its input queue is full), or -1 if this implementation cannot write without possibly
     * blocking, in which case callers use {@link #write} on a thread that may block. It lets a
     * keystroke go straight from the connection's thread to the child, without a thread hand-off.
     */
    default int writeNow(ByteBuffer src) throws IOException {
        return -1;
    }

    /** Sets the terminal size; the child gets SIGWINCH. Values are already clamped by the caller. */
    void resize(int columns, int rows) throws IOException;

    /** Sends a signal to the child's whole process group; does nothing once the child was reaped. */
    void signalGroup(Signal signal);

    /**
     * Sends a signal to process group {@code group} of the child's session (a job the shell started,
     * such as the terminal's foreground one); does nothing once the child was reaped, or where the
     * pty cannot reach other groups.
     */
    default void signalProcessGroup(long group, Signal signal) {
    }

    /** The exit status if the child has exited (and was reaped), without waiting. */
    Optional<ExitStatus> exitStatus();

    /** Waits for the child to exit and returns its status. The child is reaped exactly once. */
    ExitStatus waitFor() throws InterruptedException;

    /**
     * Completes with the exit status once the child has exited and was reaped. Callbacks may run
     * on an implementation's own thread: they must be short and must not block. This default
     * spends a virtual thread waiting in {@link #waitFor}; the built-in ptys override it so that
     * no thread waits (thousands of idle terminals would each hold one).
     */
    default CompletionStage<ExitStatus> onExit() {
        CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        Thread.ofVirtual().name("pty-" + pid() + "-exit").start(() -> {
            try {
                exit.complete(waitFor());
            } catch (InterruptedException | RuntimeException e) {
                exit.completeExceptionally(e);
            }
        });
        return exit;
    }

    /**
     * Releases the pty. Does not signal the child: callers hang it up first with
     * {@link #signalGroup}. A {@link #read} blocked in another thread returns -1.
     */
    @Override
    void close();
}
