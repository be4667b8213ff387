package io.cloudterm.pty;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A child on a pty that script(1) owns. script holds the master and relays: its stdin (our pipe) goes
 * to the pty, the pty's output comes out of its stdout (our other pipe). The child is script's child,
 * so we never reap it; script does, and exits with its status.
 *
 * <p>What this mode cannot know, and what it reports instead:
 * <ul>
 * <li>Exit status: script(1) passes a death by signal N on as exit code 128+N (util-linux) or N
 *     (BSD), which a plain {@code exit 130} also produces (an interactive shell leaves with 130 after
 *     a Ctrl-C'd command). We report {@link ExitStatus#killedBy} for a signal we sent through
 *     {@link #signalGroup} whose code matches, and for SIGKILL whoever sent it: it cannot be caught,
 *     so 137 nearly always means kill -9 or the OOM killer. Any other signal from elsewhere (Ctrl-C
 *     typed into the terminal, kill from another shell) shows as {@code exit 128+N}, and a command
 *     that catches our signal and exits 128+N itself shows as killed by it.</li>
 * <li>After {@link #close} kills script while the child still runs, the child's own status is lost
 *     (it was hung up; init reaps it): the status is then script's, signal 9 by our hand, reported
 *     as {@code exit 137}.</li>
 * <li>Resizing runs stty on the child's tty by name; in the instant between the child's exit and
 *     script's, that name may already belong to someone else's new pty.</li>
 * </ul>
 */
final class ScriptPty implements Pty {

    /** How long script and the wrapper get to print the marker before we give up on them. */
    private static final long START_TIMEOUT_SECONDS = 10;
    /** How long script gets to pass on the death of its child by SIGKILL before it is killed too. */
    private static final long KILL_GRACE_MILLIS = 200;
    /** The pump only moves bytes; the JDK's pipe read needs about 8 KiB of native stack. */
    private static final long PUMP_STACK_BYTES = 256 * 1024;
    private static final int CHUNK_BYTES = 8192;
    /** The pump's last word: script's stdout has ended. */
    private static final byte[] END = new byte[0];

    private final ScriptTools tools;
    private final Process script;
    private final long pid;
    private final String tty;
    private final InputStream output;
    private final OutputStream input;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock resizeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<Signal> signalsSent = ConcurrentHashMap.newKeySet();
    private volatile ExitStatus status;

    /**
     * Output on its way from the pump to the reader. Bounded, so a reader that stops reading stops the
     * pump, then script, then the child: flow control reaches the child as it does with a real pty.
     */
    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(4);
    private final Thread pump;
    private volatile IOException pumpFailure;
    /** What {@link #onOutput} asked to run when the pump next hands over a chunk, or the end. */
    private final AtomicReference<Runnable> outputWaiter = new AtomicReference<>();

    /** The chunk being read from, and where; only the reading thread touches these. */
    private byte[] chunk;
    private int chunkFrom;
    private boolean ended;

    private ScriptPty(ScriptTools tools, Process script, long pid, String tty, byte[] firstOutput) {
        this.tools = tools;
        this.script = script;
        this.pid = pid;
        this.tty = tty;
        this.output = script.getInputStream();
        this.input = script.getOutputStream();
        this.chunk = firstOutput.length == 0 ? null : firstOutput;
        // A blocking read of a pipe holds the virtual thread's carrier (the JDK compensates only up
        // to jdk.virtualThreadScheduler.maxPoolSize, 256: measured, past that every virtual thread in
        // the server stops). So a small platform thread does the blocking read and the virtual thread
        // parks on the queue, as the contract asks.
        this.pump = Thread.ofPlatform().daemon().name("pty-output-" + pid).stackSize(PUMP_STACK_BYTES)
                .unstarted(this::pump);
    }

    static ScriptPty start(ScriptTools tools, PtySpec spec) throws IOException {
        if (!Files.isDirectory(spec.directory())) {
            throw new IOException("cannot start '" + spec.command().get(0) + "': working directory "
                    + spec.directory() + " does not exist");
        }
        ScriptCommand.resolveProgram(spec);
        ProcessBuilder builder = new ProcessBuilder(ScriptCommand.commandLine(tools, spec))
                .directory(spec.directory().toFile())
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        // The environment goes to script as an environment, never in its argv (see ScriptCommand).
        // util-linux script runs the wrapper with $SHELL -c; the wrapper is sh, and its env(1) gives
        // the child the spec's own SHELL (or none) back.
        builder.environment().put("SHELL", tools.sh());
        Process script = builder.start();
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(script::destroyForcibly,
                CompletableFuture.delayedExecutor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        try {
            ScriptPty pty = readMarker(tools, script);
            pty.pump.start();
            return pty;
        } catch (IOException | RuntimeException e) {
            script.destroyForcibly();
            closeQuietly(script.getOutputStream());
            closeQuietly(script.getInputStream());
            throw e;
        } finally {
            watchdog.cancel(false);
        }
    }

    /** Reads the wrapper's marker, the first bytes script prints, and keeps what follows it. */
    private static ScriptPty readMarker(ScriptTools tools, Process script) throws IOException {
        InputStream output = script.getInputStream();
        byte[] buffer = new byte[512];
        int length = 0;
        while (true) {
            int n = output.read(buffer, length, buffer.length - length);
            if (n < 0) {
                throw startFailure(script, buffer, length);
            }
            length += n;
            int prefix = Math.min(length, ScriptCommand.MARKER_START.length);
            if (!Arrays.equals(buffer, 0, prefix, ScriptCommand.MARKER_START, 0, prefix)) {
                throw startFailure(script, buffer, length);
            }
            int end = indexOf(buffer, ScriptCommand.MARKER_END, ScriptCommand.MARKER_START.length, length);
            if (end >= 0) {
                String[] fields = new String(buffer, ScriptCommand.MARKER_START.length,
                        end - ScriptCommand.MARKER_START.length, StandardCharsets.UTF_8).split(";", -1);
                long pid;
                try {
                    pid = Long.parseLong(fields[0]);
                } catch (NumberFormatException e) {
                    throw startFailure(script, buffer, length);
                }
                String tty = fields.length > 1 && fields[1].startsWith("/dev/") ? fields[1] : null;
                int rest = end + ScriptCommand.MARKER_END.length;
                return new ScriptPty(tools, script, pid, tty, Arrays.copyOfRange(buffer, rest, length));
            }
            if (length == buffer.length) {
                throw startFailure(script, buffer, length);
            }
        }
    }

    /** script(1) printed something other than the marker: that text is the reason (e.g. no ptys left). */
    private static IOException startFailure(Process script, byte[] start, int length) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.write(start, 0, length);
        script.destroyForcibly();
        // script is gone now; what it wrote before dying is still in the pipe.
        text.write(script.getInputStream().readNBytes(4096));
        String reason = text.toString(StandardCharsets.UTF_8).strip();
        return new IOException("script(1) did not start the command"
                + (reason.isEmpty() ? "" : ": " + reason));
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from, int to) {
        for (int i = from; i + needle.length <= to; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (closed.get() || ended) {
            return -1;
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (chunk == null) {
            byte[] next;
            try {
                next = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the pty");
            }
            if (next == END) {
                ended = true;
                IOException failure = pumpFailure;
                if (failure != null && !closed.get()) {
                    throw failure;
                }
                return -1;
            }
            chunk = next;
            chunkFrom = 0;
        }
        if (closed.get()) {
            return -1;
        }
        int n = Math.min(dst.remaining(), chunk.length - chunkFrom);
        dst.put(chunk, chunkFrom, n);
        chunkFrom += n;
        if (chunkFrom == chunk.length) {
            chunk = null;
        }
        return n;
    }

    /** Reads only a chunk that is already there, so that a quiet terminal's reader can end. */
    @Override
    public int readNow(ByteBuffer dst) throws IOException {
        if (closed.get() || ended) {
            return -1;
        }
        if (chunk == null && chunks.isEmpty()) {
            return 0;
        }
        return read(dst); // a chunk, or the end, is there: this does not wait
    }

    @Override
    public void onOutput(Runnable action) {
        outputWaiter.set(action);
        // The pump may have queued a chunk, or close() the end, just before the action was set.
        if (!chunks.isEmpty() || closed.get()) {
            runOutputWaiter();
        }
    }

    /** Runs the waiting {@link #onOutput} action, if any, exactly once. */
    private void runOutputWaiter() {
        Runnable action = outputWaiter.getAndSet(null);
        if (action != null) {
            action.run();
        }
    }

    /**
     * Moves script's output to the queue until it ends. script's stdout ends when script exits, and
     * script exits only after its child did and after it relayed all the pty still held.
     */
    private void pump() {
        try (InputStream in = output) {
            int first;
            // The JDK's stream for script's stdout already buffers 8 KiB, so the pump waits in a
            // one-byte read, which fills that buffer, instead of holding an idle buffer of its own per
            // terminal; what came with the byte is taken without waiting and leaves as one chunk.
            while ((first = in.read()) >= 0) {
                byte[] chunk = new byte[1 + Math.min(in.available(), CHUNK_BYTES - 1)];
                chunk[0] = (byte) first;
                in.readNBytes(chunk, 1, chunk.length - 1);
                chunks.put(chunk);
                runOutputWaiter();
            }
        } catch (IOException e) {
            pumpFailure = e;
        } catch (InterruptedException e) {
            return; // close(): nobody reads any more
        }
        try {
            chunks.put(END);
            runOutputWaiter();
        } catch (InterruptedException e) {
            // close() ended the wait; it tells the reader itself
        }
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        if (closed.get()) {
            throw new IOException("the pty is closed");
        }
        writeLock.lock();
        try {
            if (src.hasArray()) {
                input.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
                src.position(src.limit());
            } else {
                byte[] chunk = new byte[Math.min(src.remaining(), 16384)];
                while (src.hasRemaining()) {
                    int n = Math.min(chunk.length, src.remaining());
                    src.get(chunk, 0, n);
                    input.write(chunk, 0, n);
                }
            }
            input.flush();
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void resize(int columns, int rows) throws IOException {
        if (closed.get()) {
            throw new IOException("the pty is closed");
        }
        if (!script.isAlive()) {
            return; // nobody left to tell; the native mode's ioctl on the master would succeed too
        }
        if (tty == null) {
            throw new IOException("cannot resize: the child's terminal device is unknown");
        }
        resizeLock.lock(); // the last resize asked for is the one that stays
        try {
            Result result = run(tools.stty(), tools.flavour().sttyDevice, tty,
                    "rows", Integer.toString(rows), "cols", Integer.toString(columns));
            if (result.exitCode() != 0 && script.isAlive()) {
                throw new IOException("stty could not resize " + tty + ": " + result.output());
            }
        } finally {
            resizeLock.unlock();
        }
    }

    @Override
    public void signalProcessGroup(long group, Signal signal) {
        if (!script.isAlive() || group <= 1) {
            return; // script exits only after it reaped the child: the group may be someone else's now
        }
        try {
            run(tools.kill(), "-s", signal.name(), "--", "-" + group); // fails harmlessly if the group is gone
        } catch (IOException e) {
            // kill(1) could not run: nothing to nudge with
        }
    }

    @Override
    public void signalGroup(Signal signal) {
        if (!script.isAlive()) {
            return; // script exits only after it reaped the child: the pid may be someone else's now
        }
        // Recorded before sending: the status may be read the instant the child dies.
        signalsSent.add(signal);
        try {
            // Fails harmlessly (no such process group) when the child has just exited.
            run(tools.kill(), "-s", signal.name(), "--", "-" + pid);
        } catch (IOException e) {
            // kill(1) could not even run; for KILL the fallback below still ends script and its session.
        }
        if (signal == Signal.KILL) {
            // script reports the child's death itself within moments; if it does not (stuck, or the
            // child already gone), killing script hangs up the pty and ends what is left in the session.
            // A timer, not a wait: callers kill many terminals from one thread (a shutdown, the
            // kill-after timers), and 200 ms each, one after the other, added up to many seconds.
            script.onExit().copy().orTimeout(KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS).whenComplete((exited, timeout) -> {
                if (timeout != null) {
                    script.destroyForcibly();
                }
            });
        }
    }

    @Override
    public Optional<ExitStatus> exitStatus() {
        return script.isAlive() ? Optional.empty() : Optional.of(status());
    }

    @Override
    public CompletionStage<ExitStatus> onExit() {
        return script.onExit().thenApply(process -> status());
    }

    @Override
    public ExitStatus waitFor() throws InterruptedException {
        awaitExit(script);
        return status();
    }

    /** Process.waitFor may hold a virtual thread's carrier (Object.wait on JDK 21); a future parks it. */
    private static void awaitExit(Process process) throws InterruptedException {
        try {
            process.onExit().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the JDK could not wait for process " + process.pid(), e.getCause());
        }
    }

    private ExitStatus status() {
        ExitStatus known = status;
        if (known == null) {
            known = status = decode(script.exitValue());
        }
        return known;
    }

    /** Turns script's exit code into the child's status, as far as it can be known (see the class comment). */
    private ExitStatus decode(int code) {
        int kill = tools.number(Signal.KILL);
        if (code == tools.flavour().signalExitBase + kill || code == 128 + kill) {
            return ExitStatus.killedBy(kill);
        }
        for (Signal signal : signalsSent) {
            int number = tools.number(signal);
            // 128+N is also how the JDK reports script itself killed by N (our SIGKILL above).
            if (code == tools.flavour().signalExitBase + number || code == 128 + number) {
                return ExitStatus.killedBy(number);
            }
        }
        return ExitStatus.exited(code);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // script holds the master: ending it releases the pty, and the kernel hangs up the child's
        // session, as closing the master does in the native mode.
        script.destroyForcibly();
        closeQuietly(input);
        // The pump ends at the end of script's output, or now if it waits for room in the queue;
        // a reader waiting for the next chunk gets the end at once.
        pump.interrupt();
        chunks.clear();
        chunks.offer(END);
        runOutputWaiter();
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs a helper (stty, kill) to its end and returns what it printed. */
    private static Result run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try (InputStream out = process.getInputStream()) {
            String text = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
            awaitExit(process);
            return new Result(process.exitValue(), text);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + command[0]);
        }
    }
}
