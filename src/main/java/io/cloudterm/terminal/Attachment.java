package io.cloudterm.terminal;

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
 * <p>All state here is guarded by the terminal's lock: the terminal's reader, this sender and the
 * client's message handler meet only there, so PAUSE/RESUME in any interleaving can neither lose,
 * repeat nor reorder a byte (each byte is queued once, sent once, by one thread, in queue order).
 */
public final class Attachment {

    /**
     * The largest read the reader sends itself (only ever the first read after the pty was quiet:
     * an echo, a prompt, a small redraw). A stream goes through the sender thread, so the reader
     * keeps reading while it sends, and reads are batched into larger messages.
     */
    static final int DIRECT_SEND_MAX_BYTES = 4096;

    private final Terminal terminal;
    private final TerminalClient client;
    private final boolean writable;

    // Guarded by terminal.lock.
    private final ArrayDeque<OutputChunk> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean paused;
    /** A message is being sent, by the sender thread or by the reader: no other may start. */
    private boolean sending;
    /** A sender thread runs; it ends when nothing is left to send. */
    private boolean senderRunning;
    private boolean detached;
    /**
     * REPLAY_END is still to be sent, after the first {@link #replayChunksLeft} queued chunks (the
     * history). Counted in chunks, not bytes, so that however the history is cut into chunks, a
     * batch never joins history and live output into one OUTPUT message.
     */
    private boolean replayEndPending;
    private int replayChunksLeft;
    private ExitStatus finishedWith;
    private TerminalSize size;

    Attachment(Terminal terminal, TerminalClient client, boolean writable) {
        this.terminal = terminal;
        this.client = client;
        this.writable = writable;
    }

    public Terminal terminal() {
        return terminal;
    }

    public boolean writable() {
        return writable;
    }

    /** INPUT from this client; ignored for read-only clients. */
    public void input(byte[] bytes) {
        if (writable && bytes.length > 0) {
            terminal.input(this, bytes);
        }
    }

    /** RESIZE_TERMINAL from this client; ignored for read-only clients. */
    public void resize(TerminalSize size) {
        if (writable) {
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

    // ---- called by the terminal, with its lock held ----

    /** Whether the reader may read more on this client's account. */
    boolean wantsOutput() {
        return !detached && !paused && queuedBytes < terminal.settings().highWaterBytes();
    }

    /** Whether the reader may send {@code chunk} to this client itself, now, in order. */
    boolean idleFor(OutputChunk chunk) {
        return !detached && !paused && !sending && queue.isEmpty() && !replayEndPending && finishedWith == null
                && chunk.size() <= DIRECT_SEND_MAX_BYTES;
    }

    /** Marks a direct send begun; the caller checked {@link #idleFor} under the same lock hold. */
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

    boolean enqueue(OutputChunk chunk) {
        if (detached) {
            return false;
        }
        queue.addLast(chunk);
        queuedBytes += chunk.size();
        wakeSenderLocked();
        return true;
    }

    /**
     * Marks the end of the history: everything queued so far. Called once, by the attach, before
     * this attachment takes live output, so the queue then holds the history only (or nothing).
     */
    void endReplay() {
        replayEndPending = true;
        replayChunksLeft = queue.size();
        wakeSenderLocked();
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
        for (OutputChunk chunk : queue) {
            chunk.release();
        }
        queue.clear();
        queuedBytes = 0;
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
        // REPLAY_END goes out even while paused: it carries no output, and PAUSE is about output.
        return !detached && (replayEndDue() || !paused && !queue.isEmpty()
                || finishedWith != null && queue.isEmpty() && !replayEndPending);
    }

    private boolean replayEndDue() {
        return replayEndPending && replayChunksLeft == 0;
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
                } else if (queue.isEmpty()) {
                    finished = finishedWith;
                } else {
                    takeBatch(batch, payloads);
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
     * Takes queued chunks up to the message size limit (at least one), and while REPLAY_END is
     * pending no further than the end of the history.
     */
    private void takeBatch(List<OutputChunk> batch, List<ByteBuffer> payloads) {
        int limit = terminal.settings().maxMessageBytes();
        int most = replayEndPending ? replayChunksLeft : Integer.MAX_VALUE;
        int total = 0;
        while (!queue.isEmpty() && batch.size() < most && (batch.isEmpty() || total + queue.peekFirst().size() <= limit)) {
            OutputChunk chunk = queue.pollFirst();
            total += chunk.size();
            batch.add(chunk);
            payloads.add(chunk.bytes());
        }
        queuedBytes -= total;
        if (replayEndPending) {
            replayChunksLeft -= batch.size();
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
