package io.cloudterm.terminal;

import io.cloudterm.io.ReadBuffers;
import io.cloudterm.protocol.CloseCodes;
import io.cloudterm.protocol.TerminalSize;
import io.cloudterm.pty.ExitStatus;
import io.cloudterm.pty.Pty;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import io.cloudterm.pty.Signal;
import io.cloudterm.recording.AsciicastRecorder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One child process on one pty, and the clients attached to it. A terminal is not a connection:
 * clients attach and detach. When the last one leaves, the terminal lives on for the keep-alive
 * time, still reading its child's output into the scrollback, and a client that attaches gets that
 * history first; past the keep-alive it is hung up (with a zero keep-alive at once, as ttyd does).
 *
 * <p>Threads, each only while it has work: a reader (virtual) pulls the pty into pooled buffers
 * and queues them on every attachment, while the pty has output; a sender per attachment pushes
 * its queue out, while it has one. With a single client that paces the program and has nothing
 * queued (the usual case: one person at one terminal), the reader sends to it itself, an echo or
 * a stream alike: no hand-off between threads, and the client's socket paces the reader; when the child exits, one thread ends the terminal; input goes
 * to the child from the client's thread, or from a writer thread while the child is not taking
 * it. A quiet terminal holds no thread. Flow control lives in one place, this object's lock:
 * the reader reads only while some attachment that paces the program wants output (not paused,
 * below the high-water mark in bytes), so when every such client is paused the child blocks on a
 * full pty, as a shell expects. Clients that only watch through a share link do not pace it (see
 * {@link ClientRole}): with none but them, or nobody, attached, output goes on into the
 * scrollback and to them, and one that falls too far behind is let go.
 */
public final class Terminal {

    private static final Logger LOG = Logger.getLogger(Terminal.class.getName());
    private static final AtomicLong IDS = new AtomicLong();
    /** After the child exits, output still arriving this late is not its own: stop reading. */
    private static final long DRAIN_IDLE_MILLIS = 300;
    private static final long DRAIN_MAX_MILLIS = 3000;
    private static final long REDRAW_AGAIN_MILLIS = 100;

    final ReentrantLock lock = new ReentrantLock();
    /** Signalled when an attachment may take more output, or the terminal is ending. */
    final Condition outputWanted = lock.newCondition();
    private final Condition readerDone = lock.newCondition();

    private final long id = IDS.incrementAndGet();
    private final String readerName = "terminal-" + id + "-reader";
    private final String senderName = "terminal-" + id + "-sender";
    private final java.time.Instant startedAt = java.time.Instant.now();
    private final Pty pty;
    private final String title;
    private final ReadBuffers buffers;
    private final TerminalSettings settings;
    private final InputWriter input;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final CompletableFuture<Terminal> ended = new CompletableFuture<>();
    /** Recent output for clients that attach later; null when there is no history to keep. */
    private final Scrollback scrollback;
    /** The asciicast recording of this terminal, or null. */
    private final AsciicastRecorder recorder;

    // Guarded by lock.
    private final List<Attachment> attachments = new ArrayList<>();
    private boolean hungUp;
    private boolean readerFinished;
    private boolean readerInRead;
    private long lastReadNanos = System.nanoTime();
    private boolean everAttached;
    /** Serializes size changes, so that they reach the pty in the order they were decided. */
    private final ReentrantLock resizeLock = new ReentrantLock();
    private final AtomicBoolean redrawing = new AtomicBoolean();
    private volatile TerminalSize currentSize;
    /** Bumped whenever a client attaches: a keep-alive timer started before then is void. */
    private long attachGeneration;
    private long detachedAtMillis = -1;
    /** Replays still reading the scrollback: it is released when the terminal has ended and this is 0. */
    private int replays;
    private boolean scrollbackEnded;

    private Terminal(Pty pty, String title, ReadBuffers buffers, TerminalSettings settings, Scrollback scrollback,
                     AsciicastRecorder recorder) {
        this.pty = pty;
        this.scrollback = scrollback;
        this.recorder = recorder;
        this.title = title;
        this.buffers = buffers;
        this.settings = settings;
        String inputName = "terminal-" + id + "-input";
        this.input = new InputWriter(pty, settings.maxPendingInput(), task -> Thread.ofVirtual().name(inputName).start(task));
    }

    /**
     * Starts {@code spec} on a new pty. Output is held (the child blocks) until a client attaches.
     *
     * @param scrollback where recent output is kept for clients that attach later, or null
     * @param recorder   records output, sizes (and input if it was told to), or null; closed at the end
     */
    public static Terminal start(PtySystem ptys, PtySpec spec, String title, ReadBuffers buffers,
                                 TerminalSettings settings, Scrollback scrollback, AsciicastRecorder recorder)
            throws IOException {
        Pty pty;
        try {
            pty = ptys.spawn(spec);
        } catch (IOException | RuntimeException e) {
            TerminalTraffic.spawnFailed();
            throw e;
        }
        Terminal terminal = new Terminal(pty, title, buffers, settings, scrollback, recorder);
        terminal.currentSize = new TerminalSize(spec.columns(), spec.rows());
        terminal.startReader();
        // No thread waits for the exit: the pty reports it, and only then is one started to end the terminal.
        terminal.pty.onExit().whenComplete((status, failure) -> Thread.ofVirtual()
                .name("terminal-" + terminal.id + "-exit")
                .start(() -> terminal.finish(status != null ? status : ExitStatus.exited(255), failure)));
        return terminal;
    }

    public long id() {
        return id;
    }

    public long pid() {
        return pty.pid();
    }

    /** What runs in the foreground of this terminal now (the shell at its prompt, or the program it started). */
    public java.util.Optional<ForegroundProcess> foreground() {
        return ForegroundProcess.of(pty.pid());
    }

    public String title() {
        return title;
    }

    /**
     * The last {@code count} lines of the output kept in the scrollback, as plain text, read from
     * at most its last {@code maxBytes}: a glance at what the terminal shows, for a list of
     * terminals. Empty without a scrollback.
     */
    public List<String> lastLines(int count, int maxBytes) {
        if (scrollback == null) {
            return List.of();
        }
        long end = scrollback.end();
        long from = Math.max(scrollback.start(), end - maxBytes);
        ByteBuffer recent = ByteBuffer.allocate((int) (end - from));
        long at = scrollback.copy(from, end, recent);
        byte[] bytes = java.util.Arrays.copyOf(recent.array(), recent.position());
        return PlainText.lastLines(bytes, at > 0, count);
    }

    public java.time.Instant startedAt() {
        return startedAt;
    }

    /** The pty's size now. */
    public TerminalSize size() {
        return currentSize;
    }

    /** When output last came, in epoch milliseconds (approximately: for listings). */
    public long lastOutputMillis() {
        lock.lock();
        try {
            return System.currentTimeMillis() - java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReadNanos);
        } finally {
            lock.unlock();
        }
    }

    String senderName() {
        return senderName;
    }

    TerminalSettings settings() {
        return settings;
    }

    ReadBuffers buffers() {
        return buffers;
    }

    /** Completes with the exit status once the child has exited and was reaped. */
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    /** Completes when the terminal is over: child reaped, pty closed, every client told. */
    public CompletableFuture<Terminal> ended() {
        return ended;
    }

    /**
     * Attaches a client in {@code seat}. {@code greeting} messages (title, preferences) reach it
     * before any output. If the terminal already ended, the client is closed with its exit status
     * straight away; if {@link TerminalSettings#maxClients} of that seat's clients are attached
     * already, with {@link CloseCodes#TOO_MANY_CLIENTS} (see {@link Seat}: guests never fill the
     * owner's seats). Either way the attachment returned is not attached, and detaching it does nothing.
     */
    public Attachment attach(TerminalClient client, ClientRole role, Seat seat, List<byte[]> greeting, TerminalSize size)
            throws IOException {
        Attachment attachment = new Attachment(this, client, role, seat);
        if (role.writable()) {
            attachment.size(size);
        }
        if (attachedClients(seat) >= settings.maxClients()) {
            refuseFull(attachment); // early, to send it nothing else; checked again below
            return attachment;
        }
        for (byte[] message : greeting) {
            attachment.sendDirect(message);
        }
        lock.lock();
        try {
            if (ended.isDone() || hungUp) {
                ExitStatus status = exit.getNow(null);
                attachment.markDetached();
                attachment.closeClient(CloseCodes.NORMAL, status == null ? "terminal ended" : status.toString());
                return attachment;
            }
            if (attachedLocked(seat) >= settings.maxClients()) {
                refuseFull(attachment);
                return attachment;
            }
            if (everAttached && scrollback != null) {
                // Under the lock, so no live output can slip in between the history and what follows.
                attachment.replay(scrollback);
            }
            // Always, even after no history: the client then knows for sure that what follows is live.
            attachment.endReplay();
            everAttached = true;
            attachGeneration++;
            detachedAtMillis = -1;
            attachments.add(attachment);
            outputWanted.signal();
        } finally {
            lock.unlock();
        }
        applySize();
        return attachment;
    }

    private void refuseFull(Attachment attachment) {
        attachment.markDetached();
        attachment.closeClient(CloseCodes.TOO_MANY_CLIENTS, switch (attachment.seat()) {
            case GUEST -> "too many clients on this terminal (" + settings.maxClients()
                    + " guests attached, the most allowed); try again when one leaves";
            case OWNER -> "you have " + settings.maxClients()
                    + " clients on this terminal, the most allowed; close one first";
        });
    }

    /** A client began replaying the scrollback; under the lock. */
    void replayStarted() {
        replays++;
    }

    /** A replay is over (sent, or its client left); the last one lets an ended terminal's scrollback go. Under the lock. */
    void replayEnded() {
        replays--;
        if (replays == 0 && scrollbackEnded) {
            scrollback.release();
        }
    }

    /** When the last client left, in epoch milliseconds, or -1 while someone is attached. */
    public long detachedAtMillis() {
        lock.lock();
        try {
            return detachedAtMillis;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes full-screen programs draw themselves again (for a client that just got the raw
     * history): two size changes, each a SIGWINCH, ending at the terminal's size (the size is off
     * for microseconds only). A program busy drawing for the first can lose the second, and stays
     * drawn a row short (less did, after reloads in browser tests on a cold machine): so
     * {@link #REDRAW_AGAIN_MILLIS} later, when it waits for input again, the job in the
     * foreground gets one more SIGWINCH, with the size as it is. A program drawn right takes no
     * notice; one drawn a row short reads the size and draws again. Where /proc cannot name that
     * job (macOS), the pair comes once more instead.
     */
    public void redraw() {
        if (!redrawing.compareAndSet(false, true)) {
            // One under way serves this client too: its output reaches it whole, up to the attach
            // in the history, after it live. (A reattach storm would otherwise queue a redraw each,
            // which in pure-Java mode is two stty runs.)
            return;
        }
        wiggleSize();
        // On a virtual thread: in pure-Java mode a resize runs stty and waits for it.
        CompletableFuture.delayedExecutor(REDRAW_AGAIN_MILLIS, TimeUnit.MILLISECONDS, task -> Thread.ofVirtual().start(task))
                .execute(() -> {
                    try {
                        java.util.OptionalLong foreground = ForegroundProcess.group(pty.pid());
                        if (foreground.isPresent()) {
                            pty.signalProcessGroup(foreground.getAsLong(), Signal.WINCH);
                        } else {
                            wiggleSize(); // no /proc (macOS): the pair once more is the best there is
                        }
                    } finally {
                        redrawing.set(false);
                    }
                });
    }

    /** One row less (or more, at the minimum), then back to the terminal's size: two SIGWINCHes. */
    private void wiggleSize() {
        resizeLock.lock();
        try {
            TerminalSize size = currentSize;
            if (size != null) {
                int rows = size.rows() > TerminalSize.MIN ? size.rows() - 1 : size.rows() + 1;
                resizePty(new TerminalSize(size.columns(), rows));
                resizePty(size);
            }
        } finally {
            resizeLock.unlock();
        }
    }

    /** A writable client asked for {@code size}: the terminal takes the smallest of theirs. */
    void sizeChanged(Attachment attachment, TerminalSize size) {
        lock.lock();
        try {
            attachment.size(size);
        } finally {
            lock.unlock();
        }
        applySize();
    }

    /**
     * The terminal's size is the smallest, on each axis, of its writable clients' sizes (as tmux
     * does): every one of them then sees all of it. With none attached it keeps its last size.
     */
    private void applySize() {
        resizeLock.lock();
        try {
            TerminalSize wanted;
            lock.lock();
            try {
                int columns = Integer.MAX_VALUE;
                int rows = Integer.MAX_VALUE;
                for (Attachment a : attachments) {
                    TerminalSize s = a.size();
                    if (s != null) {
                        columns = Math.min(columns, s.columns());
                        rows = Math.min(rows, s.rows());
                    }
                }
                wanted = columns == Integer.MAX_VALUE ? null : new TerminalSize(columns, rows);
            } finally {
                lock.unlock();
            }
            if (wanted != null && !wanted.equals(currentSize)) {
                resizePty(wanted);
                currentSize = wanted;
            }
        } finally {
            resizeLock.unlock();
        }
    }

    public int attachedClients() {
        lock.lock();
        try {
            return attachments.size();
        } finally {
            lock.unlock();
        }
    }

    /** The clients attached in {@code seat}. */
    public int attachedClients(Seat seat) {
        lock.lock();
        try {
            return attachedLocked(seat);
        } finally {
            lock.unlock();
        }
    }

    private int attachedLocked(Seat seat) {
        int n = 0;
        for (Attachment attachment : attachments) {
            if (attachment.seat() == seat) {
                n++;
            }
        }
        return n;
    }

    void input(Attachment from, byte[] bytes) {
        TerminalTraffic.typed(bytes.length);
        if (recorder != null) {
            recorder.input(bytes); // a no-op unless input recording was asked for
        }
        if (!input.offer(bytes)) {
            from.closeClient(CloseCodes.TOO_BIG, "the program is not reading its input (over "
                    + settings.maxPendingInput() / (1024 * 1024) + " MB waiting)");
            detach(from);
        }
    }

    private void resizePty(TerminalSize size) {
        if (recorder != null) {
            recorder.resize(size.columns(), size.rows());
        }
        try {
            pty.resize(size.columns(), size.rows());
        } catch (IOException e) {
            LOG.log(Level.FINE, "resize of terminal " + id + " failed", e);
        }
    }

    void detach(Attachment attachment) {
        boolean lastOneLeft = false;
        long generation;
        lock.lock();
        try {
            // Not attached at all if it was refused (ended, or full): then there is nothing to undo.
            if (attachment.markDetached() && attachments.remove(attachment)) {
                lastOneLeft = attachments.isEmpty() && !hungUp;
                if (lastOneLeft) {
                    detachedAtMillis = System.currentTimeMillis();
                }
                outputWanted.signal();
            }
            generation = attachGeneration;
        } finally {
            lock.unlock();
        }
        if (!lastOneLeft) {
            applySize(); // the one who left may have been the smallest
            return;
        }
        if (settings.keepAlive().isZero() || exit.isDone()) {
            hangUp();
            return;
        }
        hangUpUnlessAttachedWithin(generation);
    }

    /**
     * For a terminal started with nobody attached (by the API): it is hung up if no client comes
     * within the keep-alive, exactly as if its last client had just left.
     */
    public void awaitFirstClient() {
        long generation;
        lock.lock();
        try {
            detachedAtMillis = System.currentTimeMillis();
            generation = attachGeneration;
        } finally {
            lock.unlock();
        }
        if (settings.keepAlive().isZero()) {
            hangUp();
        } else {
            hangUpUnlessAttachedWithin(generation);
        }
    }

    private void hangUpUnlessAttachedWithin(long generation) {
        CompletableFuture.delayedExecutor(settings.keepAlive().toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            lock.lock();
            boolean stillAlone;
            try {
                stillAlone = attachments.isEmpty() && attachGeneration == generation;
            } finally {
                lock.unlock();
            }
            if (stillAlone) {
                LOG.info("terminal " + id + ": nobody attached for " + settings.keepAlive().toSeconds() + " s; hanging up");
                hangUp();
            }
        });
    }

    /**
     * Ends the terminal: the configured signal to the child's process group, then SIGKILL if it is
     * still alive after the grace period. Output read from now on is dropped, so that a child that
     * keeps printing cannot block on a full pty and miss its signal.
     */
    public void hangUp() {
        lock.lock();
        try {
            if (hungUp) {
                return;
            }
            hungUp = true;
            outputWanted.signalAll();
        } finally {
            lock.unlock();
        }
        if (exit.isDone()) {
            return;
        }
        pty.signalGroup(settings.hangupSignal());
        if (settings.hangupSignal() != Signal.KILL) {
            // A timer on a copy of the exit: the exit cancels it, so it does not hold this terminal
            // for the whole grace period after the child is gone.
            exit.copy().orTimeout(settings.killGrace().toMillis(), TimeUnit.MILLISECONDS).whenComplete((status, timeout) -> {
                if (timeout != null && !exit.isDone()) {
                    LOG.info("terminal " + id + ": pid " + pty.pid() + " ignored SIG" + settings.hangupSignal()
                            + " for " + settings.killGrace().toMillis() + " ms; sending SIGKILL");
                    pty.signalGroup(Signal.KILL);
                }
            });
        }
    }

    // ---- the reader ----

    /**
     * Starts a reader thread. It reads while there is output and someone wants it, and when the
     * pty has nothing more it asks the pty to start another once there is, and ends: a quiet
     * terminal holds no thread and no buffer. Only one runs
     * at a time: a new one is started only by the previous one's {@link Pty#onOutput} request.
     */
    private void startReader() {
        Thread.ofVirtual().name(readerName).start(this::readWhileOutput);
    }

    private void readWhileOutput() {
        boolean finished = true;
        try {
            while (awaitOutputWanted()) {
                ByteBuffer buffer = buffers.acquire();
                int n = fill(buffer);
                if (n == 0) {
                    buffers.release(buffer);
                    try {
                        pty.onOutput(this::startReader);
                        finished = false;
                    } catch (IOException e) {
                        LOG.log(Level.FINE, "terminal " + id + ": cannot wait for output", e);
                    }
                    return;
                }
                if (n < 0) {
                    buffers.release(buffer);
                    return;
                }
                TerminalTraffic.read(n);
                deliver(buffers.keep(buffer.flip()));
            }
        } finally {
            if (finished) {
                lock.lock();
                try {
                    readerFinished = true;
                    readerInRead = false;
                    readerDone.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * Reads what the pty has into {@code buffer}, up to its size: a pty gives at most a few KB a
     * read, so a stream is sent in messages of several reads. The bytes read, 0 if there were none,
     * -1 at the end (or a failed read) with nothing read before it; what came before an end or a
     * failure is returned first, and the next call says -1.
     */
    private int fill(ByteBuffer buffer) {
        int total = 0;
        while (buffer.hasRemaining()) {
            int n;
            try {
                n = pty.readNow(buffer);
            } catch (IOException e) {
                LOG.log(Level.FINE, "terminal " + id + ": read failed", e);
                n = -1;
            }
            if (n <= 0) {
                return total > 0 ? total : n;
            }
            total += n;
        }
        return total;
    }

    /** Waits until some attachment takes output (or, hung up, until output may be dropped). */
    private boolean awaitOutputWanted() {
        lock.lock();
        try {
            readerInRead = false;
            while (!hungUp && !outputWantedLocked()) {
                outputWanted.awaitUninterruptibly();
            }
            readerInRead = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the reader may read now. Before the first client the child waits (nothing is lost).
     * Then only clients that pace the program can hold it back: while one of them is attached, it
     * goes on when one of them wants output; with none of them (only watchers, or nobody), output
     * goes on into the scrollback and to the watchers, so a detached job never blocks and a guest
     * cannot stop it. With nobody attached and no scrollback to keep it in, the child waits.
     */
    private boolean outputWantedLocked() {
        if (!everAttached) {
            return false;
        }
        boolean paced = false;
        for (Attachment attachment : attachments) {
            if (attachment.pacesOutput()) {
                if (attachment.wantsOutput()) {
                    return true;
                }
                paced = true;
            }
        }
        return !paced && (scrollback != null || !attachments.isEmpty());
    }

    /**
     * Keeps {@code buffer} in the scrollback and the recording, and gives it to every attachment.
     * With one client, idle, that paces the program, the reader sends it itself: no hand-off to a
     * sender thread for an echo, and for a stream one thread that reads, then sends, then reads
     * (the child writes on into the pty meanwhile), with nothing to hand over and nothing queued.
     */
    private void deliver(ByteBuffer buffer) {
        List<Attachment> behind = null;
        Attachment direct = null;
        OutputChunk chunk;
        lock.lock();
        try {
            lastReadNanos = System.nanoTime();
            if (scrollback != null && !hungUp) {
                scrollback.append(buffer);
            }
            if (recorder != null) {
                recorder.output(buffer);
            }
            chunk = new OutputChunk(buffer, buffers, attachments.size() + 1);
            if (attachments.size() == 1 && attachments.getFirst().readyForDirectSend()) {
                // Only with one client: a send that blocks then holds back no one else.
                direct = attachments.getFirst();
                direct.beginDirectSend();
            }
            for (Attachment attachment : attachments) {
                if (attachment == direct) {
                    continue;
                }
                if (!attachment.enqueue(chunk)) {
                    chunk.release();
                } else if (attachment.tooFarBehind()) {
                    behind = behind == null ? new ArrayList<>() : behind;
                    behind.add(attachment);
                }
            }
            chunk.release(); // the reader's own reference
        } finally {
            lock.unlock();
        }
        if (direct != null) {
            direct.sendDirect(chunk);
        }
        if (behind != null) {
            // One slow client must not hold the others back nor grow memory: it is let go, with a
            // reason, and may reattach to catch up from the scrollback.
            for (Attachment slow : behind) {
                detach(slow);
                Thread.ofVirtual().start(() -> slow.closeClient(CloseCodes.TOO_FAR_BEHIND, "fell more than "
                        + settings.maxBehindBytes() / (1024 * 1024) + " MB behind the terminal's output; reconnect to catch up"));
            }
        }
    }

    // ---- the end ----

    /** The child exited: lets the reader drain the pty, then tells every client and frees it all. */
    private void finish(ExitStatus status, Throwable failure) {
        if (failure != null) {
            LOG.log(Level.WARNING, "terminal " + id + ": its child's exit status is unknown, reported as 255", failure);
        }
        exit.complete(status);
        awaitDrained();
        pty.close();
        input.stop();
        lock.lock();
        try {
            while (!readerFinished) {
                readerDone.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        // The recording is complete on disk before any client hears that the terminal ended.
        if (recorder != null) {
            recorder.close();
        }
        lock.lock();
        try {
            for (Attachment attachment : List.copyOf(attachments)) {
                attachment.finish(status);
            }
            // Clients still replaying read the history from it: the last of them lets it go.
            if (scrollback != null) {
                scrollbackEnded = true;
                if (replays == 0) {
                    scrollback.release();
                }
            }
        } finally {
            lock.unlock();
        }
        ended.complete(this);
    }

    /**
     * After the child exits, lets the reader take what is left in the pty. The reader sees EOF only
     * when the last slave fd closes, which a background job may delay: so once the reader sits in
     * read() with nothing arriving (or for at most a few seconds of continued output), the rest is
     * not the child's and the pty is closed. While clients hold the reader back with PAUSE, nothing
     * is cut: every byte the child wrote reaches them.
     */
    private void awaitDrained() {
        long exitedAt = System.nanoTime();
        lock.lock();
        try {
            while (!readerFinished) {
                long now = System.nanoTime();
                boolean idle = readerInRead && now - lastReadNanos > TimeUnit.MILLISECONDS.toNanos(DRAIN_IDLE_MILLIS)
                        && now - exitedAt > TimeUnit.MILLISECONDS.toNanos(DRAIN_IDLE_MILLIS);
                boolean tooLong = readerInRead && now - exitedAt > TimeUnit.MILLISECONDS.toNanos(DRAIN_MAX_MILLIS);
                if (idle || tooLong) {
                    return;
                }
                readerDone.await(50, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }
}
