package io.cloudterm.nativeio;

import static io.cloudterm.nativeio.LibcHeaders.EAGAIN;
import static io.cloudterm.nativeio.LibcHeaders.ECHILD;
import static io.cloudterm.nativeio.LibcHeaders.EINTR;
import static io.cloudterm.nativeio.LibcHeaders.EIO;
import static io.cloudterm.nativeio.LibcHeaders.ESRCH;
import static io.cloudterm.nativeio.LibcHeaders.SIGKILL;
import static io.cloudterm.nativeio.LibcHeaders.SYS_pidfd_open;
import static io.cloudterm.nativeio.LibcHeaders.TIOCSWINSZ;
import static io.cloudterm.nativeio.LibcHeaders.WEXITSTATUS;
import static io.cloudterm.nativeio.LibcHeaders.WIFEXITED;
import static io.cloudterm.nativeio.LibcHeaders.WIFSIGNALED;
import static io.cloudterm.nativeio.LibcHeaders.WNOHANG;
import static io.cloudterm.nativeio.LibcHeaders.WTERMSIG;

import io.cloudterm.pty.ExitStatus;
import io.cloudterm.pty.Pty;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.Signal;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A child on a pty whose master we hold. Reads and writes are non-blocking syscalls; on EAGAIN the
 * calling thread parks on the {@link Poller} (a blocking FFM call would pin a virtual thread's
 * carrier). The child's exit is seen through a pidfd, also on the poller, which then reaps it with
 * {@code waitpid(pid, WNOHANG)}: whether or not anyone waits, and even after {@link #close}, so no
 * child is left a zombie. Never {@code waitpid(-1)}: it would steal the statuses of the JDK's own
 * {@link Process}es.
 */
final class NativePty implements Pty {

    private static final Logger LOG = Logger.getLogger(NativePty.class.getName());
    /** The largest chunk copied through native memory for a heap buffer. */
    private static final int MAX_COPY = 64 * 1024;
    /**
     * A readNow that got less than this, with room left in its buffer, was an echo or a prompt:
     * the child wrote it and now waits, so the next readNow says 0 without a read() that would
     * only hear EAGAIN, and the reader arms the poller (which asks the kernel for readiness at
     * once: output that came in between still wakes it). The bound keeps a stream reading on:
     * the line discipline hands out at most 4 KiB per read, so a stream's reads are often
     * "short", and arming after each would cost it a wake-up per read.
     */
    static final int SMALL_READ = 256;

    private final int master;
    private final int pid;
    private final Poller.Registration masterKey;
    private final Consumer<NativePty> onReaped;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Read-held around each syscall on the master, write-held to close it: no call meets a reused fd. */
    private final ReentrantReadWriteLock masterLock = new ReentrantReadWriteLock();
    /** One write() at a time, so that two writers' bytes never interleave. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Orders signalling against reaping: kill(-pid) only while the pid is surely still ours. */
    private final ReentrantLock reapLock = new ReentrantLock();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private Poller.Registration pidKey; // guarded by reapLock, null once the pidfd is closed
    /** The last readNow was small (see {@link #SMALL_READ}); only the terminal's one reader at a time touches it. */
    private boolean drainedBySmallRead;
    private int pidfd; // guarded by reapLock
    private boolean reaped; // guarded by reapLock

    private NativePty(int master, int pid, int pidfd, Poller poller, Consumer<NativePty> onReaped) {
        this.master = master;
        this.pid = pid;
        this.pidfd = pidfd;
        this.onReaped = onReaped;
        this.masterKey = poller.register(master);
        this.pidKey = poller.register(pidfd);
    }

    /**
     * Spawns {@code spec} and starts watching for its exit. {@code onReaped} runs (on the poller
     * thread) once the child was reaped.
     */
    static NativePty start(Poller poller, PtySpec spec, Consumer<NativePty> onReaped) throws IOException {
        Spawner.Child child = Spawner.spawn(spec);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            int pidfd = (int) Libc.syscall(callState, SYS_pidfd_open, child.pid(), 0);
            if (pidfd < 0) {
                int errno = Libc.errno(callState);
                // Without a pidfd we cannot watch it: end it now rather than leave it unreaped.
                Libc.kill(callState, child.pid(), SIGKILL);
                Libc.waitpid(callState, child.pid(), arena.allocate(Libc.C_INT), 0);
                Libc.close(callState, child.master());
                throw new IOException("cannot watch the new child " + child.pid() + ": pidfd_open failed: " + Libc.strerror(errno));
            }
            NativePty pty = new NativePty(child.master(), child.pid(), pidfd, poller, onReaped);
            try {
                pty.watchExit();
            } catch (IOException | RuntimeException e) {
                pty.close();
                pty.killAndReap();
                throw e;
            }
            return pty;
        }
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return read(dst, true);
    }

    @Override
    public int readNow(ByteBuffer dst) throws IOException {
        return read(dst, false);
    }

    @Override
    public void onOutput(Runnable action) throws IOException {
        drainedBySmallRead = false; // the next readNow, after the wake-up, reads
        if (closed.get()) {
            action.run();
        } else {
            masterKey.onReadableOrGone(action); // runs at once if close() cancelled it already
        }
    }

    /** Reads what is there; with nothing there, waits (parked on the poller) or returns 0. */
    private int read(ByteBuffer dst, boolean wait) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("cannot read into a read-only buffer");
        }
        if (!dst.hasRemaining()) {
            return closed.get() ? -1 : 0;
        }
        if (!wait && drainedBySmallRead) {
            drainedBySmallRead = false;
            return closed.get() ? -1 : 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            MemorySegment target = ReadTarget.of(dst, arena, MAX_COPY);
            while (true) {
                long n;
                masterLock.readLock().lock();
                try {
                    if (closed.get()) {
                        return -1;
                    }
                    n = Libc.read(callState, master, target, target.byteSize());
                } finally {
                    masterLock.readLock().unlock();
                }
                if (n > 0) {
                    drainedBySmallRead = !wait && n < SMALL_READ && n < target.byteSize();
                    return ReadTarget.landed(dst, target, n);
                }
                if (n == 0) {
                    return -1;
                }
                int errno = Libc.errno(callState);
                if (errno == EAGAIN) {
                    if (!wait) {
                        return 0;
                    }
                    masterKey.awaitReadable();
                } else if (errno == EIO) {
                    return -1; // the last slave fd closed: the child and its descendants are gone
                } else if (errno != EINTR) {
                    throw Errno.failed("read from the pty", errno);
                }
            }
        }
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        write(src, true);
    }

    @Override
    public int writeNow(ByteBuffer src) throws IOException {
        int before = src.position();
        write(src, false);
        return src.position() - before;
    }

    /** Writes {@code src}; when the tty's input queue is full, waits for room or (not waiting) returns. */
    private void write(ByteBuffer src, boolean wait) throws IOException {
        writeLock.lock();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            MemorySegment staging = src.isDirect() ? null : arena.allocate(Math.min(src.remaining(), MAX_COPY));
            while (src.hasRemaining()) {
                MemorySegment chunk;
                if (staging == null) {
                    chunk = MemorySegment.ofBuffer(src);
                } else {
                    chunk = staging.asSlice(0, Math.min(src.remaining(), staging.byteSize()));
                    MemorySegment.copy(MemorySegment.ofBuffer(src), 0, chunk, 0, chunk.byteSize());
                }
                long n;
                masterLock.readLock().lock();
                try {
                    if (closed.get()) {
                        throw new IOException("the pty is closed");
                    }
                    n = Libc.write(callState, master, chunk, chunk.byteSize());
                } finally {
                    masterLock.readLock().unlock();
                }
                if (n >= 0) {
                    src.position(src.position() + (int) n);
                    continue;
                }
                int errno = Libc.errno(callState);
                if (errno == EAGAIN) {
                    if (!wait) {
                        return;
                    }
                    masterKey.awaitWritable(); // the child is not reading and the tty's input queue is full
                } else if (errno == EIO) {
                    throw new IOException("the child's terminal is gone (its last fd on the pty was closed)");
                } else if (errno != EINTR) {
                    throw Errno.failed("write to the pty", errno);
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void resize(int columns, int rows) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            MemorySegment size = winsize.allocate(arena);
            winsize.ws_row(size, rows);
            winsize.ws_col(size, columns);
            masterLock.readLock().lock();
            try {
                if (closed.get()) {
                    throw new IOException("the pty is closed");
                }
                // The kernel sends SIGWINCH to the foreground process group when the size changes.
                if (Libc.ioctl(callState, master, TIOCSWINSZ, size) < 0) {
                    throw Errno.failed("ioctl(TIOCSWINSZ)", Libc.errno(callState));
                }
            } finally {
                masterLock.readLock().unlock();
            }
        }
    }

    @Override
    public void signalGroup(Signal signal) {
        reapLock.lock();
        try (Arena arena = Arena.ofConfined()) {
            if (reaped) {
                return; // the pid (and with it the group id) may belong to someone else by now
            }
            MemorySegment callState = Libc.allocateCallState(arena);
            if (Libc.kill(callState, -pid, number(signal)) < 0) {
                int errno = Libc.errno(callState);
                if (errno != ESRCH) { // ESRCH: the group is gone, only the unreaped leader is left
                    LOG.log(Level.FINE, () -> "kill(-" + pid + ", SIG" + signal + "): " + Libc.strerror(errno));
                }
            }
        } finally {
            reapLock.unlock();
        }
    }

    /** The C number of {@code signal}, from the headers (a test checks it equals Signal's own). */
    @Override
    public void signalProcessGroup(long group, Signal signal) {
        reapLock.lock();
        try (Arena arena = Arena.ofConfined()) {
            if (reaped || group <= 1) {
                return; // once reaped, the group id may be someone else's
            }
            MemorySegment callState = Libc.allocateCallState(arena);
            if (Libc.kill(callState, (int) -group, number(signal)) < 0) {
                int errno = Libc.errno(callState);
                LOG.log(Level.FINE, () -> "kill(-" + group + ", SIG" + signal + "): " + Libc.strerror(errno));
            }
        } finally {
            reapLock.unlock();
        }
    }

    static int number(Signal signal) {
        return switch (signal) {
            case HUP -> LibcHeaders.SIGHUP;
            case INT -> LibcHeaders.SIGINT;
            case QUIT -> LibcHeaders.SIGQUIT;
            case KILL -> LibcHeaders.SIGKILL;
            case USR1 -> LibcHeaders.SIGUSR1;
            case USR2 -> LibcHeaders.SIGUSR2;
            case TERM -> LibcHeaders.SIGTERM;
            case WINCH -> LibcHeaders.SIGWINCH;
        };
    }

    @Override
    public Optional<ExitStatus> exitStatus() {
        return Optional.ofNullable(exit.getNow(null));
    }

    @Override
    public CompletionStage<ExitStatus> onExit() {
        return exit.minimalCompletionStage(); // completed on the poller thread, by reap()
    }

    @Override
    public ExitStatus waitFor() throws InterruptedException {
        try {
            return exit.get(); // parks a virtual thread; the poller completes it
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Closes the master. The kernel then hangs up the child's session (SIGHUP to its foreground
     * group), and a read parked in another thread wakes and returns -1. The pidfd stays with the
     * poller until the child exits, so that it is still reaped.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        masterKey.cancel();
        masterLock.writeLock().lock(); // waits for a read or write syscall in flight (never long: O_NONBLOCK)
        try (Arena arena = Arena.ofConfined()) {
            Libc.close(Libc.allocateCallState(arena), master);
        } finally {
            masterLock.writeLock().unlock();
        }
    }

    /**
     * Gives up watching the child (the platform is closing): closes the pidfd. A child still
     * running becomes a zombie when it exits, until this JVM exits.
     */
    void abandon() {
        reapLock.lock();
        try {
            if (!reaped && pidKey != null) {
                LOG.warning("native platform closed while pid " + pid + " still runs; nobody will reap it");
                closePidfd();
            }
        } finally {
            reapLock.unlock();
        }
    }

    // ---- exit ----

    private void watchExit() throws IOException {
        reapLock.lock();
        try {
            if (pidKey != null) {
                pidKey.onReadable(this::reap);
            }
        } finally {
            reapLock.unlock();
        }
    }

    /** On the poller thread, when the pidfd is readable: the child has exited (or a stale event came). */
    private void reap() {
        ExitStatus status;
        reapLock.lock();
        try (Arena arena = Arena.ofConfined()) {
            if (reaped || pidKey == null) {
                return;
            }
            MemorySegment callState = Libc.allocateCallState(arena);
            MemorySegment wstatus = arena.allocate(Libc.C_INT);
            int result;
            do {
                result = Libc.waitpid(callState, pid, wstatus, WNOHANG);
            } while (result < 0 && Libc.errno(callState) == EINTR);
            if (result == 0) {
                // Still running: the event was meant for an earlier fd with the same number.
                try {
                    pidKey.onReadable(this::reap);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot watch pid " + pid + " any more", e);
                }
                return;
            }
            if (result == pid) {
                status = decode(wstatus.get(Libc.C_INT, 0));
            } else {
                int errno = Libc.errno(callState);
                LOG.warning("waitpid(" + pid + ") failed: " + Libc.strerror(errno)
                        + (errno == ECHILD ? " (something else in this JVM reaped it, a waitpid(-1)?)" : "")
                        + "; its exit status is unknown, reported as 255");
                status = ExitStatus.exited(255);
            }
            reaped = true;
            closePidfd();
        } finally {
            reapLock.unlock();
        }
        exit.complete(status);
        onReaped.accept(this);
    }

    /** Decodes what waitpid stored, as the C macros do (no WUNTRACED: stopped children are not reported). */
    static ExitStatus decode(int wstatus) {
        if (WIFEXITED(wstatus)) {
            return ExitStatus.exited(WEXITSTATUS(wstatus));
        }
        if (WIFSIGNALED(wstatus)) {
            return ExitStatus.killedBy(WTERMSIG(wstatus));
        }
        throw new IllegalArgumentException("wait status 0x" + Integer.toHexString(wstatus) + " is neither an exit nor a death");
    }

    /** For a start that failed half-way: the child must not outlive it, nor stay a zombie. */
    private void killAndReap() {
        reapLock.lock();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            Libc.kill(callState, pid, SIGKILL);
            // Blocking, which pins a virtual thread for the moment a SIGKILLed child takes to die.
            while (Libc.waitpid(callState, pid, arena.allocate(Libc.C_INT), 0) < 0 && Libc.errno(callState) == EINTR) {
                // retry
            }
            reaped = true;
            if (pidKey != null) {
                closePidfd();
            }
        } finally {
            reapLock.unlock();
        }
    }

    private void closePidfd() {
        pidKey.cancel();
        pidKey = null;
        try (Arena arena = Arena.ofConfined()) {
            Libc.close(Libc.allocateCallState(arena), pidfd);
        }
        pidfd = -1;
    }
}
