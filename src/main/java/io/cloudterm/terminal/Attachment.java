package io.cloudterm.terminal;

import io.cloudterm.io.ReadBuffers;
import io.cloudterm.protocol.CloseCodes;
import io.cloudterm.protocol.ServerMessages;
import io.cloudterm.protocol.TerminalSize;
import io.cloudterm.pty.ExitStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One client attached to a terminal: its queue of output, its PAUSE/RESUME state, and the virtual
 * thread that sends the queue to it, in order, one message at a time, which runs only while there
 * is something to send. The first small read after a quiet spell that finds a lone client idle
 * (nothing queued or in flight) is sent by the terminal's reader itself: an echo then reaches the
 * client without waking another thread.
 *
 * <p>A client that attaches to a terminal with history gets it first, as a <em>replay</em>: a
 * range of offsets in the terminal's off-heap {@link Scrollback}, read from there one message at a
 * time, into a pooled buffer that goes back as soon as it is sent. Waiting costs nothing: a
 * thousand clients that attach and never read hold no copy of the history between them, and the
 * bytes still to replay count towards the client's backlog like queued output, so one that never
 * reads is let go once new output has put it too far behind. History the scrollback drops before
 * the replay reaches it is skipped, as if the client had attached later.
 *
 * <p>All state here is guarded by the terminal's lock: the terminal's reader, this sender and the
 * client's message handler meet only there, so PAUSE/RESUME in any interleaving can neither lose,
 * repeat nor reorder a byte (each byte is queued once, sent once, by one thread, in queue order).
 */
public final class Attachment {

    private final Terminal terminal;
    private final TerminalClient client;
    private final ClientRole role;
    private final Seat seat;

    // Guarded by terminal.lock.
    /** The history still to send, before the queue: none when null, else offsets [replayNext, replayEnd). */
    private Scrollback replaying;
    private long replayNext;
    private long replayEnd;
    private final ArrayDeque<OutputChunk> queue = new ArrayDeque<>();
    /** Bytes waiting for this client: the rest of its replay and its queue. */
    private long queuedBytes;
    private boolean paused;
    /** A message is being sent, by the sender thread or by the reader: no other may start. */
    private boolean sending;
    /** A sender thread runs; it ends when nothing is left to send. */
    private boolean senderRunning;
    private boolean detached;
    /**
     * REPLAY_END is still to be sent, once the replay is over: after the history, before any live
     * output (a batch never joins the two into one OUTPUT message).
     */
    private boolean replayEndPending;
    private ExitStatus finishedWith;
    private TerminalSize size;
    /** Completed once, when this attachment is detached (or refused). */
    private final java.util.concurrent.CompletableFuture<Void> gone = new java.util.concurrent.CompletableFuture<>();

    Attachment(Terminal terminal, TerminalClient client, ClientRole role, Seat seat) {
        this.terminal = terminal;
        this.client = client;
        this.role = role;
        this.seat = seat;
    }

    /** Whose client this is: which of the terminal's limits it counts against. */
    public Seat seat() {
        return seat;
    }

    public Terminal terminal() {
        return terminal;
    }

    public boolean writable() {
        return role.writable();
    }

    public ClientRole role() {
        return role;
    }

    /** INPUT from this client; ignored for read-only clients. */
    public void input(byte[] bytes) {
        if (role.writable() && bytes.length > 0) {
            terminal.input(this, bytes);
        }
    }

    /** RESIZE_TERMINAL from this client; ignored for read-only clients. */
    public void resize(TerminalSize size) {
        if (role.writable()) {
            terminal.sizeChanged(this, size);
        }
    }

    /** The size this client last asked for, or null (read-only clients ask for none). */
    TerminalSize size() {
        return size;
    }

    void size(TerminalSize size) {
        this.size = size;
    }

    /** Whether more output waits for this client than one client may hold up. */
    boolean tooFarBehind() {
        return queuedBytes > terminal.settings().maxBehindBytes();
    }

    /** PAUSE: nothing more is sent to this client until {@link #resume()}; what is queued stays. */
    public void pause() {
        terminal.lock.lock();
        try {
            paused = true;
        } finally {
            terminal.lock.unlock();
        }
    }

    /** RESUME: sending goes on from where it stopped. Repeating it changes nothing. */
    public void resume() {
        terminal.lock.lock();
        try {
            if (paused) {
                paused = false;
                wakeSenderLocked();
                terminal.outputWanted.signal();
            }
        } finally {
            terminal.lock.unlock();
        }
    }

    /** The client has gone: drop its queue and let the terminal know (the last one hangs it up). */
    public void detach() {
        terminal.detach(this);
    }

    /** Whether this client is attached now: false once it has left, or if it was refused. */
    public boolean attached() {
        terminal.lock.lock();
        try {
            return !detached;
        } finally {
            terminal.lock.unlock();
        }
    }

    /**
     * Runs {@code action} once this client is detached, for whatever reason (it left, fell behind,
     * the terminal ended, or it was refused: then at once). It must be short: it may run under the
     * terminal's lock.
     */
    public void whenDetached(Runnable action) {
        gone.thenRun(action);
    }

    // ---- called by the terminal, with its lock held ----

    /** Bytes waiting for this client, its replay included (for tests and metrics). */
    long pendingBytes() {
        terminal.lock.lock();
        try {
            return queuedBytes;
        } finally {
            terminal.lock.unlock();
        }
    }

    /** Whether the reader waits for this client when it takes no more output (see {@link ClientRole}). */
    boolean pacesOutput() {
        return role.pacesOutput();
    }

    /** Whether the reader may read more on this client's account. */
    boolean wantsOutput() {
        return !detached && !paused && queuedBytes < terminal.settings().highWaterBytes();
    }

    /** Whether the reader may send what it read to this client itself, now, in order. */
    boolean readyForDirectSend() {
        // Never for a client that does not pace the program: the reader would wait on its socket.
        return role.pacesOutput() && !detached && !paused && !sending && replaying == null && queue.isEmpty()
                && !replayEndPending && finishedWith == null;
    }

    /** Marks a direct send begun; the caller checked {@link #readyForDirectSend} under the same lock hold. */
    void beginDirectSend() {
        sending = true;
    }

    /**
     * The reader sends one chunk, outside the terminal's lock, and then hands anything queued
     * meanwhile to the sender thread. The chunk's reference for this client is released here.
     */
    void sendDirect(OutputChunk chunk) {
        boolean failed = false;
        try {
            client.sendOutput(List.of(chunk.bytes()));
        } catch (IOException | RuntimeException e) {
            failed = true;
        } finally {
            chunk.release();
        }
        terminal.lock.lock();
        try {
            sending = false;
            wakeSenderLocked();
        } finally {
            terminal.lock.unlock();
        }
        if (failed) {
            terminal.detach(this);
        }
    }

    /**
     * Queues the history kept in {@code history} now, from its start to its end, to be sent before
     * anything queued later. The only place a replay begins; before any output is queued.
     */
    void replay(Scrollback history) {
        long from = history.start();
        long to = history.end();
        if (detached || from >= to) {
            return;
        }
        replaying = history;
        replayNext = from;
        replayEnd = to;
        queuedBytes += to - from;
        terminal.replayStarted();
        wakeSenderLocked();
    }

    /**
     * Marks the end of the history: the replay queued by {@link #replay}, if any. Called once, by
     * the attach, before this attachment takes live output.
     */
    void endReplay() {
        replayEndPending = true;
        wakeSenderLocked();
    }

    boolean enqueue(OutputChunk chunk) {
        if (detached) {
            return false;
        }
        queue.addLast(chunk);
        queuedBytes += chunk.size();
        wakeSenderLocked();
        return true;
    }

    void finish(ExitStatus status) {
        finishedWith = status;
        wakeSenderLocked();
    }

    /** Marks this attachment gone and releases what it still had queued; true if it was attached. */
    boolean markDetached() {
        if (detached) {
            return false;
        }
        detached = true;
        stopReplaying();
        for (OutputChunk chunk : queue) {
            chunk.release();
        }
        queue.clear();
        queuedBytes = 0;
        gone.complete(null);
        return true;
    }

    // ---- the sender thread ----

    /**
     * Starts a sender thread if there is something to send and nobody is sending; under the
     * terminal's lock. The thread ends when the queue is empty, so an idle client holds none.
     */
    private void wakeSenderLocked() {
        if (!senderRunning && !sending && hasWorkLocked()) {
            senderRunning = true;
            Thread.ofVirtual().name(terminal.senderName()).start(this::sendWhileQueued);
        }
    }

    private boolean hasWorkLocked() {
        boolean nothingLeft = replaying == null && queue.isEmpty();
        // REPLAY_END goes out even while paused: it carries no output, and PAUSE is about output.
        return !detached && (replayEndDue() || !paused && !nothingLeft
                || finishedWith != null && nothingLeft && !replayEndPending);
    }

    private boolean replayEndDue() {
        return replayEndPending && replaying == null;
    }

    private void sendWhileQueued() {
        List<OutputChunk> batch = new ArrayList<>();
        List<ByteBuffer> payloads = new ArrayList<>();
        while (true) {
            ExitStatus finished = null;
            boolean replayEnd = false;
            terminal.lock.lock();
            try {
                if (sending || !hasWorkLocked()) {
                    // Whoever queues more, resumes, finishes, or ends a direct send starts another.
                    senderRunning = false;
                    return;
                }
                if (replayEndDue()) {
                    replayEndPending = false;
                    replayEnd = true;
                    sending = true;
                } else if (replaying == null && queue.isEmpty()) {
                    finished = finishedWith;
                } else {
                    takeBatch(batch, payloads);
                    if (batch.isEmpty()) {
                        continue; // the rest of the replay was dropped from the scrollback meanwhile
                    }
                    sending = true;
                    terminal.outputWanted.signal();
                }
            } finally {
                terminal.lock.unlock();
            }
            if (finished != null) {
                // Everything the child wrote has been sent: now the close with its status.
                client.close(CloseCodes.NORMAL, finished.toString());
                terminal.detach(this);
                return;
            }
            boolean failed = false;
            try {
                if (replayEnd) {
                    client.send(ServerMessages.replayEnd());
                } else {
                    client.sendOutput(payloads);
                }
            } catch (IOException | RuntimeException e) {
                failed = true;
            } finally {
                batch.forEach(OutputChunk::release);
                batch.clear();
                payloads.clear();
            }
            terminal.lock.lock();
            try {
                sending = false;
            } finally {
                terminal.lock.unlock();
            }
            if (failed) {
                terminal.detach(this);
                return;
            }
        }
    }

    /**
     * Takes the next bytes up to the message size limit: the replay's first, read from the
     * scrollback now, then, once REPLAY_END has gone, queued chunks (at least one, if any).
     */
    private void takeBatch(List<OutputChunk> batch, List<ByteBuffer> payloads) {
        int limit = terminal.settings().maxMessageBytes();
        int total = 0;
        while (replaying != null && total < limit) {
            OutputChunk history = readReplay(limit - total);
            if (history != null) {
                total += history.size();
                batch.add(history);
                payloads.add(history.bytes());
            }
        }
        while (!replayEndPending && !queue.isEmpty() && (batch.isEmpty() || total + queue.peekFirst().size() <= limit)) {
            OutputChunk chunk = queue.pollFirst();
            total += chunk.size();
            batch.add(chunk);
            payloads.add(chunk.bytes());
        }
        queuedBytes -= total;
    }

    /**
     * The next bytes of the replay, at most {@code max}, in a pooled buffer of their own; null if
     * none were left. Ends the replay when it has reached the offset it was to stop at. Bytes the
     * scrollback dropped before they were read are skipped and no longer count as waiting.
     */
    private OutputChunk readReplay(int max) {
        ReadBuffers pool = terminal.buffers();
        ByteBuffer buffer = pool.acquire();
        buffer.limit(Math.min(buffer.capacity(), max));
        long at = replaying.copy(replayNext, replayEnd, buffer);
        long next = Math.min(replayEnd, at + buffer.position());
        queuedBytes -= (next - replayNext) - buffer.position(); // dropped meanwhile; the caller counts the rest
        replayNext = next;
        if (replayNext >= replayEnd || buffer.position() == 0) {
            stopReplaying();
        }
        if (buffer.position() == 0) {
            pool.release(buffer);
            return null;
        }
        return new OutputChunk(buffer.flip(), pool, 1);
    }

    private void stopReplaying() {
        if (replaying != null) {
            queuedBytes -= replayEnd - replayNext;
            replaying = null;
            terminal.replayEnded();
        }
    }

    /** Sends a message outside the output stream (title, preferences) before output starts. */
    void sendDirect(byte[] message) throws IOException {
        client.send(message);
    }

    void closeClient(int code, String reason) {
        client.close(code, reason);
    }
}
