package io.cloudterm.nativeio;

import static io.cloudterm.nativeio.LibcHeaders.EFD_CLOEXEC;
import static io.cloudterm.nativeio.LibcHeaders.EFD_NONBLOCK;
import static io.cloudterm.nativeio.LibcHeaders.EINTR;
import static io.cloudterm.nativeio.LibcHeaders.EPOLLERR;
import static io.cloudterm.nativeio.LibcHeaders.EPOLLHUP;
import static io.cloudterm.nativeio.LibcHeaders.EPOLLIN;
import static io.cloudterm.nativeio.LibcHeaders.EPOLLONESHOT;
import static io.cloudterm.nativeio.LibcHeaders.EPOLLOUT;
import static io.cloudterm.nativeio.LibcHeaders.EPOLL_CLOEXEC;
import static io.cloudterm.nativeio.LibcHeaders.EPOLL_CTL_ADD;
import static io.cloudterm.nativeio.LibcHeaders.EPOLL_CTL_DEL;
import static io.cloudterm.nativeio.LibcHeaders.EPOLL_CTL_MOD;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One platform thread in {@code epoll_wait} that wakes whoever waits for a non-blocking fd: a
 * parked (virtual) thread, or a short action it runs itself. This is the JDK's own
 * {@code sun.nio.ch.Poller}/{@code EPollPoller} design, which we need because a blocking FFM
 * {@code read()} pins the carrier of the virtual thread that makes it (measured: two blocked
 * readers froze every other virtual thread on a 2-core machine).
 *
 * <p>The rules that make it race-free:
 * <ul>
 * <li>Each fd is armed {@code EPOLLONESHOT}: one event disarms it, so the poller never reports an
 *     fd again before the thread it woke has run.</li>
 * <li>A waiter is published (under the registration's lock) before the fd is armed, so an event
 *     that comes at once still finds it.</li>
 * <li>{@link Registration#cancel} removes the fd from epoll and wakes its waiters before the owner
 *     closes it, so the poller never arms a closed fd. An event already taken from the kernel may
 *     still reach a new registration that reuses the fd number: every waiter treats a wake-up as a
 *     hint and retries its call, which then says EAGAIN and waits again.</li>
 * <li>The poller's own wake-up is an eventfd, used to stop it.</li>
 * </ul>
 */
public final class Poller implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Poller.class.getName());
    private static final int MAX_EVENTS = 256;

    private final int epfd;
    private final int wakeupFd;
    private final Thread thread;
    private final ConcurrentHashMap<Integer, Registration> registrations = new ConcurrentHashMap<>();
    /**
     * Held around every epoll_ctl and to stop: no epoll_ctl ever meets a closed epfd. One lock,
     * not a read-write one, because it also guards {@link #ctlMemory}: the kernel serializes
     * epoll_ctl calls on one epoll instance anyway (its mutex), so calls gain nothing from
     * overlapping, and a keystroke's two re-arms no longer each open and free an Arena.
     */
    private final ReentrantLock epfdLock = new ReentrantLock();
    /** The epoll_event and errno segments every epoll_ctl uses, under epfdLock; freed by close(). */
    private final Arena ctlMemory = Arena.ofShared();
    private final MemorySegment ctlEvent = epoll_event.allocate(ctlMemory);
    private final MemorySegment ctlCallState = Libc.allocateCallState(ctlMemory);
    /** Set before the thread ends; read under epfdLock before every epoll_ctl. */
    private volatile boolean stopped;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Poller(int epfd, int wakeupFd, String name) {
        this.epfd = epfd;
        this.wakeupFd = wakeupFd;
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    }

    /** Creates the epoll instance and its eventfd and starts the thread. */
    public static Poller start(String threadName) throws IOException {
        int epfd;
        int wakeupFd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            epfd = Libc.epoll_create1(callState, EPOLL_CLOEXEC);
            if (epfd < 0) {
                throw Errno.failed("epoll_create1", Libc.errno(callState));
            }
            wakeupFd = Libc.eventfd(callState, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (wakeupFd < 0) {
                int errno = Libc.errno(callState);
                Libc.close(callState, epfd);
                throw Errno.failed("eventfd", errno);
            }
            // Level-triggered and never drained: it is written once, by close(), and then the loop ends.
            MemorySegment event = epoll_event.allocate(arena);
            epoll_event.events(event, EPOLLIN);
            epoll_event.data_fd(event, wakeupFd);
            if (Libc.epoll_ctl(callState, epfd, EPOLL_CTL_ADD, wakeupFd, event) < 0) {
                int errno = Libc.errno(callState);
                Libc.close(callState, wakeupFd);
                Libc.close(callState, epfd);
                throw Errno.failed("epoll_ctl", errno);
            }
        }
        Poller poller = new Poller(epfd, wakeupFd, threadName);
        poller.thread.start();
        return poller;
    }

    /**
     * Starts tracking {@code fd} (not yet armed). The caller must {@link Registration#cancel} it
     * before closing the fd.
     */
    public Registration register(int fd) {
        Registration registration = new Registration(fd);
        if (registrations.putIfAbsent(fd, registration) != null) {
            throw new IllegalStateException("fd " + fd + " is already registered: it was closed without cancel()");
        }
        return registration;
    }

    /**
     * Stops the thread: it wakes every waiting thread (their waits fail with an IOException), and
     * then the epoll instance is closed. Registered fds stay open; their owners close them.
     */
    @Override
    public void close() {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("an action on the poller thread cannot close the poller");
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stop();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_LONG, 1L);
            Libc.write(callState, wakeupFd, one, Long.BYTES);
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            // Only here, after the thread ended: it never sees its fds closed (or reused) under it.
            Libc.close(callState, wakeupFd);
            Libc.close(callState, epfd);
            ctlMemory.close(); // stopped under epfdLock: no epoll_ctl uses it any more
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True once the poller stopped: no fd is watched any more. */
    public boolean stopped() {
        return stopped;
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            MemorySegment events = epoll_event.allocateArray(arena, MAX_EVENTS);
            while (!stopped) {
                int n = Libc.epoll_wait(callState, epfd, events, MAX_EVENTS, -1);
                if (n < 0) {
                    int errno = Libc.errno(callState);
                    if (errno == EINTR) {
                        continue;
                    }
                    LOG.log(Level.SEVERE, "the pty poller stops: " + Errno.failed("epoll_wait", errno).getMessage());
                    break;
                }
                io.cloudterm.io.PollerWakeups.woke();
                for (int i = 0; i < n; i++) {
                    MemorySegment event = epoll_event.element(events, i);
                    int fd = epoll_event.data_fd(event);
                    if (fd != wakeupFd) {
                        Registration registration = registrations.get(fd);
                        if (registration != null) {
                            registration.ready(epoll_event.events(event));
                        }
                    }
                }
            }
        } catch (Throwable e) {
            LOG.log(Level.SEVERE, "the pty poller failed", e);
        } finally {
            stop();
            for (Registration registration : registrations.values()) {
                registration.wakeThreadsForStop();
            }
        }
    }

    private void stop() {
        epfdLock.lock();
        try {
            stopped = true;
        } finally {
            epfdLock.unlock();
        }
    }

    /** epoll_ctl on our epfd, or false without a call once the poller stopped (the epfd may be closed). */
    private boolean ctl(int op, int fd, int events) throws IOException {
        epfdLock.lock();
        try {
            if (stopped) {
                return false;
            }
            epoll_event.events(ctlEvent, events);
            epoll_event.data_fd(ctlEvent, fd);
            if (Libc.epoll_ctl(ctlCallState, epfd, op, fd, ctlEvent) < 0) {
                throw Errno.failed("epoll_ctl", Libc.errno(ctlCallState));
            }
            return true;
        } finally {
            epfdLock.unlock();
        }
    }

    /** Who waits for one direction of one fd: a parked thread or an action for the poller to run. */
    private static final class Waiter {
        final Thread thread;
        final Runnable action;
        /** The action also runs when the fd leaves the poller (cancel, or the poller stopping). */
        final boolean alsoWhenGone;
        volatile boolean woken;

        Waiter(Thread thread, Runnable action) {
            this(thread, action, false);
        }

        Waiter(Thread thread, Runnable action, boolean alsoWhenGone) {
            this.thread = thread;
            this.action = action;
            this.alsoWhenGone = alsoWhenGone;
        }

        /** For cancel and stop: a parked thread wakes to find out; an action runs only if it asked to. */
        void wakeBecauseGone() {
            if (thread != null) {
                LockSupport.unpark(thread);
            } else if (alsoWhenGone) {
                wake();
            }
        }

        void wake() {
            woken = true;
            if (thread != null) {
                LockSupport.unpark(thread);
            } else {
                try {
                    action.run();
                } catch (Throwable e) {
                    LOG.log(Level.SEVERE, "a pty poller action failed", e);
                }
            }
        }
    }

    /**
     * One fd known to the poller: at most one waiter to read and one to write. Its monitor guards
     * the waiters: held only around field updates and one epoll_ctl, never while waiting, so it
     * cannot hold a virtual thread's carrier for long; a monitor rather than a ReentrantLock saves
     * 48 bytes for every fd (three for a terminal with a client).
     */
    public final class Registration {
        private final int fd;
        private Waiter reader;
        private Waiter writer;
        private boolean inEpoll;
        private volatile boolean cancelled;

        private Registration(int fd) {
            this.fd = fd;
        }

        /**
         * Parks the calling thread until the fd is readable (or hung up, or in error), the
         * registration is cancelled, or — rarely — a stale event wakes it: callers retry their read
         * either way. Throws if the poller stopped or the thread is interrupted.
         */
        public void awaitReadable() throws IOException {
            await(EPOLLIN);
        }

        /** Like {@link #awaitReadable}, for writing. */
        public void awaitWritable() throws IOException {
            await(EPOLLOUT);
        }

        /**
         * Runs {@code action} on the poller thread once the fd is readable: it must be short and
         * must not block. Arms the fd once; the action may call this again to wait for more.
         */
        public void onReadable(Runnable action) throws IOException {
            arm(new Waiter(null, action), EPOLLIN);
        }

        /**
         * Like {@link #onReadable}, but the action also runs (once) if the fd leaves the poller
         * first: cancelled before or after this call, or the poller stopping. For a reader that
         * holds no thread while it waits, and must still learn that the fd is gone.
         */
        public void onReadableOrGone(Runnable action) throws IOException {
            Waiter waiter = new Waiter(null, action, true);
            if (!arm(waiter, EPOLLIN)) {
                waiter.wake();
            }
        }

        /**
         * Removes the fd from epoll and wakes the threads waiting for it (they return from their
         * await); pending actions are dropped. Call it before closing the fd.
         */
        public void cancel() {
            Waiter[] toWake;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                if (inEpoll) {
                    try {
                        ctl(EPOLL_CTL_DEL, fd, 0);
                    } catch (IOException e) {
                        LOG.log(Level.FINE, "fd " + fd + " left epoll on its own", e);
                    }
                }
                toWake = new Waiter[] {reader, writer};
                reader = null;
                writer = null;
                registrations.remove(fd, this);
            }
            for (Waiter waiter : toWake) {
                if (waiter != null) {
                    waiter.wakeBecauseGone();
                }
            }
        }

        private void await(int event) throws IOException {
            Waiter waiter = new Waiter(Thread.currentThread(), null);
            arm(waiter, event);
            while (!waiter.woken && !cancelled) {
                if (stopped) {
                    throw new IOException("the pty poller has stopped");
                }
                if (Thread.interrupted()) {
                    disarm(waiter);
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for fd " + fd);
                }
                LockSupport.park(this);
            }
        }

        /** False if the registration was cancelled: the owner closes the fd; its next call finds that out. */
        private boolean arm(Waiter waiter, int event) throws IOException {
            synchronized (this) {
                if (cancelled) {
                    return false;
                }
                if (stopped) {
                    throw new IOException("the pty poller has stopped");
                }
                if (event == EPOLLIN) {
                    if (reader != null) {
                        throw new IllegalStateException("fd " + fd + " already has a reader waiting");
                    }
                    reader = waiter;
                } else {
                    if (writer != null) {
                        throw new IllegalStateException("fd " + fd + " already has a writer waiting");
                    }
                    writer = waiter;
                }
                boolean armed;
                try {
                    armed = ctl(inEpoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, interest() | EPOLLONESHOT);
                } catch (IOException e) {
                    disarmLocked(waiter);
                    throw e;
                }
                if (!armed) {
                    disarmLocked(waiter);
                    throw new IOException("the pty poller has stopped");
                }
                inEpoll = true;
                return true;
            }
        }

        private void disarm(Waiter waiter) {
            synchronized (this) {
                disarmLocked(waiter);
            }
        }

        private void disarmLocked(Waiter waiter) {
            if (reader == waiter) {
                reader = null;
            }
            if (writer == waiter) {
                writer = null;
            }
        }

        private int interest() {
            return (reader != null ? EPOLLIN : 0) | (writer != null ? EPOLLOUT : 0);
        }

        /** On the poller thread: the one-shot event came, which disarmed the fd. */
        private void ready(int events) {
            Waiter wakeReader = null;
            Waiter wakeWriter = null;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) {
                    wakeReader = reader;
                    reader = null;
                }
                if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) {
                    wakeWriter = writer;
                    writer = null;
                }
                int rest = interest();
                if (rest != 0) {
                    try {
                        ctl(EPOLL_CTL_MOD, fd, rest | EPOLLONESHOT);
                    } catch (IOException e) {
                        // Cannot happen while the fd is open (cancel comes first); wake them to find out.
                        wakeReader = reader != null ? reader : wakeReader;
                        wakeWriter = writer != null ? writer : wakeWriter;
                        reader = null;
                        writer = null;
                    }
                }
            }
            if (wakeReader != null) {
                wakeReader.wake();
            }
            if (wakeWriter != null) {
                wakeWriter.wake();
            }
        }

        private void wakeThreadsForStop() {
            Waiter[] toWake;
            synchronized (this) {
                toWake = new Waiter[] {reader, writer};
                reader = null; // each waiter is woken once: a later cancel() finds none
                writer = null;
            }
            for (Waiter waiter : toWake) {
                if (waiter != null) {
                    waiter.wakeBecauseGone();
                }
            }
        }
    }
}
