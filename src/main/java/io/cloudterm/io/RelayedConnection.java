package io.cloudterm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One relayed connection while it lasts, as its two directions see it: what each moved, and how
 * it ends. The rules every relay (copying, splicing, over streams) follows live here, once:
 * <ul>
 * <li>A side's end of stream is passed on as a half-close of the other side's output.</li>
 * <li>The client's connection failing ends both at once: both sockets are closed.</li>
 * <li>The host's connection ending or failing before it sent a Close frame means the host is
 *     lost: the client gets {@code hostLost} if the frames it has received so far are whole, then
 *     both sockets are closed. Mid-frame it cannot get it: its socket is closed without it.</li>
 * <li>Once both directions have ended, both sockets are closed and the outcome is complete.</li>
 * </ul>
 * The first reason given is the one {@link Relay.Relayed#why} reports.
 */
public final class RelayedConnection {

    /** Writes a whole frame to the client, parking while it is slow; throws if the client is gone. */
    @FunctionalInterface
    public interface ClientSender {
        void send(ByteBuffer frame) throws IOException;
    }

    private static final Logger LOG = Logger.getLogger(RelayedConnection.class.getName());

    private final Runnable closeClient;
    private final Runnable closeHost;
    private final CompletableFuture<Relay.Relayed> finished = new CompletableFuture<>();
    private final AtomicLong clientToHost = new AtomicLong();
    private final AtomicLong hostToClient = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private String why;
    /** Why the host's connection failed, as the direction toward it found out (its socket is closed then). */
    private String hostFailure;
    private boolean clientFailed;
    private boolean closing;
    private boolean hostLost;
    private int directionsEnded;

    /** {@code closeClient} and {@code closeHost} close each side's socket; both may run more than once. */
    public RelayedConnection(Runnable closeClient, Runnable closeHost) {
        this.closeClient = closeClient;
        this.closeHost = closeHost;
    }

    /** Completes once both directions have ended and both sockets are closed; never exceptionally. */
    public CompletableFuture<Relay.Relayed> finished() {
        return finished;
    }

    /** {@code bytes} reached the client ({@code toClient}) or the host. */
    public void moved(boolean toClient, long bytes) {
        if (toClient) {
            movedToClient(bytes);
        } else {
            movedToHost(bytes);
        }
    }

    /** Writing to the client ({@code toClient}) or to the host failed. */
    public void writeFailed(boolean toClient, IOException failure) {
        if (toClient) {
            clientWriteFailed(failure);
        } else {
            hostWriteFailed(failure);
        }
    }

    public void movedToHost(long bytes) {
        clientToHost.addAndGet(bytes);
    }

    public void movedToClient(long bytes) {
        hostToClient.addAndGet(bytes);
    }

    /**
     * The direction from the client ended: at the end of the client's stream ({@code failure}
     * null), passed on to the host with {@code endHostOutput}; or failed reading the client.
     */
    public void clientSideEnded(IOException failure, Runnable endHostOutput) {
        if (failure == null) {
            because("the client closed its side");
            endHostOutput.run();
        } else if (!closing()) {
            clientFailed("reading from the client failed: " + failure.getMessage());
        }
        directionEnded();
    }

    /**
     * The direction from the host ended: at the end of the host's stream ({@code failure} null) or
     * failing to read it. All the host sent before has reached the client, and {@code frames} has
     * followed it. Ends the client's output with {@code endClientOutput} after a Close frame;
     * otherwise the host is lost, and the client is told with {@code hostLost} where it can be.
     */
    public void hostSideEnded(IOException failure, FrameBoundaries frames, ByteBuffer hostLostFrame,
                              ClientSender toClient, Runnable endClientOutput) {
        if (frames.closeSent()) {
            if (failure == null) {
                because("the host closed its side after its Close frame");
                endClientOutput.run();
            } else {
                because("the host's connection failed after its Close frame: " + failure.getMessage());
                closeBoth();
            }
        } else if (!clientFailed()) {
            String how = hostFailure();
            if (how == null) {
                how = failure == null ? "the host closed its side before its Close frame"
                        : "reading from the host failed before its Close frame: " + failure.getMessage();
            }
            if (frames.atBoundary()) {
                try {
                    toClient.send(hostLostFrame.duplicate());
                    lost(how + "; the client got the host-lost Close frame");
                } catch (IOException e) {
                    lost(how + "; the host-lost Close frame did not reach the client: " + e.getMessage());
                }
            } else {
                lost(how + ", in the middle of a frame; the client's connection was closed without the host-lost Close frame");
            }
            closeBoth();
        }
        directionEnded();
    }

    /** Writing to the client failed: both sockets are closed, and the client gets nothing more. */
    public void clientWriteFailed(IOException failure) {
        if (!closing()) {
            clientFailed("writing to the client failed: " + failure.getMessage());
        }
        directionEnded();
    }

    /**
     * Writing to the host failed: the host's socket is closed, and the direction from the host
     * then finds the host lost and tells the client (it may be writing to the client right now).
     */
    public void hostWriteFailed(IOException failure) {
        lock.lock();
        try {
            if (!closing && hostFailure == null) {
                hostFailure = "writing to the host failed: " + failure.getMessage();
            }
        } finally {
            lock.unlock();
        }
        closeHost.run();
        directionEnded();
    }

    /**
     * The relay itself cannot go on (e.g. no fds left for a pipe): both sockets are closed, as when
     * the client fails, and the client is told nothing.
     */
    public void relayFailed(IOException failure) {
        if (!closing()) {
            clientFailed("the relay failed: " + failure.getMessage());
        }
        directionEnded();
    }

    /**
     * Has the poller start {@code burst} on a new thread of {@code threads} once {@code source} is
     * readable, for a direction whose thread ends now. Where nothing waits for sockets any more
     * (the platform was closed), the socket runs the action at once on this very thread while it
     * is still open: re-arming from a new burst would spin forever, so the relay ends instead,
     * both sockets closed.
     */
    public void whenReadable(RawSocket source, ThreadFactory threads, Runnable burst) {
        whenReadable(source, threads, burst, () -> threads.newThread(burst).start());
    }

    /**
     * As {@link #whenReadable(RawSocket, ThreadFactory, Runnable)}, but the poller runs
     * {@code onPoller} itself when {@code source} is readable: a first step that must not block
     * (it moves what the sockets take at once, and starts {@code burst} on a thread for the rest).
     * A keystroke or an echo then crosses the relay on the poller's thread, with no thread started
     * and none woken for it.
     */
    public void whenReadable(RawSocket source, ThreadFactory threads, Runnable burst, Runnable onPoller) {
        Thread arming = Thread.currentThread();
        boolean[] armingNow = {true};
        boolean[] atOnce = {false};
        source.onReadable(() -> {
            // Run by the arming call itself: the platform was closed (or the socket). The poller
            // may also be the arming thread (a step re-arms from its callback): then only a run
            // during the call counts as at once.
            if (armingNow[0] && Thread.currentThread() == arming) {
                atOnce[0] = true;
            } else {
                onPoller.run();
            }
        });
        armingNow[0] = false;
        if (atOnce[0]) {
            if (source.closed()) {
                threads.newThread(burst).start(); // it finds the socket closed and ends the direction
            } else {
                relayFailed(new IOException("nothing waits for the sockets any more (the native platform was closed)"));
            }
        }
    }

    /**
     * A direction's thread failed unexpectedly (a bug, or no memory left for a buffer): both
     * sockets are closed and the outcome completes now, whatever the other direction does, so
     * that no relay is left open with nobody moving its bytes.
     */
    public void broke(Throwable failure) {
        LOG.log(Level.SEVERE, "a relay direction failed; the connection is closed", failure);
        lock.lock();
        try {
            clientFailed = true;
            if (why == null) {
                why = "the relay broke: " + failure;
            }
        } finally {
            lock.unlock();
        }
        closeBoth();
        finished.complete(outcome());
    }

    private Relay.Relayed outcome() {
        lock.lock();
        try {
            return new Relay.Relayed(clientToHost.get(), hostToClient.get(), hostLost, why);
        } finally {
            lock.unlock();
        }
    }

    private void clientFailed(String how) {
        lock.lock();
        try {
            clientFailed = true;
            if (why == null) {
                why = how;
            }
        } finally {
            lock.unlock();
        }
        closeBoth();
    }

    private boolean clientFailed() {
        lock.lock();
        try {
            return clientFailed;
        } finally {
            lock.unlock();
        }
    }

    private String hostFailure() {
        lock.lock();
        try {
            return hostFailure;
        } finally {
            lock.unlock();
        }
    }

    private boolean closing() {
        lock.lock();
        try {
            return closing;
        } finally {
            lock.unlock();
        }
    }

    private void lost(String how) {
        lock.lock();
        try {
            hostLost = true;
            why = how;
        } finally {
            lock.unlock();
        }
    }

    private void because(String how) {
        lock.lock();
        try {
            if (why == null) {
                why = how;
            }
        } finally {
            lock.unlock();
        }
    }

    private void closeBoth() {
        lock.lock();
        try {
            closing = true;
        } finally {
            lock.unlock();
        }
        closeClient.run();
        closeHost.run();
    }

    private void directionEnded() {
        boolean both;
        lock.lock();
        try {
            both = ++directionsEnded == 2;
        } finally {
            lock.unlock();
        }
        if (both) {
            closeBoth();
            finished.complete(outcome());
        }
    }
}
