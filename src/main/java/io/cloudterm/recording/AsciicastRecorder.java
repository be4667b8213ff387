package io.cloudterm.recording;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes one terminal's session as an asciicast v2 file, the format of asciinema and its players:
 * a JSON header line, then one JSON array per event, {@code [seconds, "o", "text"]} for output,
 * {@code [seconds, "r", "COLSxROWS"]} for a resize and, only when asked for, {@code [seconds, "i",
 * "text"]} for input (input holds typed passwords, so it is off by default).
 *
 * <p>Output arrives as raw pty bytes on the terminal's reader thread, resizes and input on others;
 * one lock orders them, so every line is whole and times never go back. A UTF-8 character split
 * between two reads is carried and written whole. Memory is fixed whatever the output volume: a
 * 64 KiB buffer of whole event lines, drained to the file at most 250 ms after anything was
 * written, so a crash loses a fraction of a second.
 *
 * <p>A write that fails (disk full) stops the recording, logged once; the terminal never notices.
 * The file stays a valid asciicast up to its last whole event: it is cut back to the end of the
 * last line that reached the disk whole (a failed write may have left part of one), and a marker
 * event ({@code [seconds, "m", "recording stopped: ..."]}) says why, if there is room for it.
 */
public final class AsciicastRecorder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AsciicastRecorder.class.getName());
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final long FLUSH_DELAY_MILLIS = 250;
    private static final JsonGeneratorFactory JSON = Json.createGeneratorFactory(Map.of());
    /** Recordings hold everything the terminal showed: readable by their owner only. */
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    /** The delayed flush does file I/O: a virtual thread of its own, not the common pool. */
    private static final Executor FLUSHER = CompletableFuture.delayedExecutor(FLUSH_DELAY_MILLIS,
            TimeUnit.MILLISECONDS, task -> Thread.ofVirtual().name("recording-flush").start(task));

    private final ReentrantLock lock = new ReentrantLock();
    private final Path file;
    private final SeekableByteChannel channel;
    private final boolean recordInput;
    private final LongSupplier nanoTime;
    private final long startNanos;

    // Guarded by lock.
    /** Whole event lines not yet written; never part of one. */
    private final ByteBuffer pending = ByteBuffer.allocate(BUFFER_BYTES);
    /** Where the last whole line written ends: what the file is cut back to when a write fails. */
    private long committed;
    private final Utf8Carry outputText = new Utf8Carry();
    private final Utf8Carry inputText = new Utf8Carry();
    private long lastMicros;
    private boolean flushScheduled;
    private boolean failed;
    private boolean closed;

    private AsciicastRecorder(Path file, SeekableByteChannel channel, long committed, boolean recordInput,
                              LongSupplier nanoTime, long startNanos) {
        this.file = file;
        this.channel = channel;
        this.committed = committed;
        this.recordInput = recordInput;
        this.nanoTime = nanoTime;
        this.startNanos = startNanos;
    }

    /** {@link #create(Path, String, int, int, Map, String, boolean, LongSupplier)} on {@link System#nanoTime()}. */
    public static AsciicastRecorder create(Path directory, String name, int columns, int rows,
                                           Map<String, String> env, String title, boolean recordInput)
            throws IOException {
        return create(directory, name, columns, rows, env, title, recordInput, System::nanoTime);
    }

    /**
     * Creates {@code directory/name.cast}, never overwriting an existing file, and writes the
     * header now. {@code env} (e.g. TERM, SHELL) and {@code title} may be empty or null; event
     * times are measured on {@code nanoTime} from this call.
     *
     * @throws java.nio.file.FileAlreadyExistsException if that recording exists already
     * @throws IllegalArgumentException if {@code name} is not a plain file name or the size is not positive
     */
    public static AsciicastRecorder create(Path directory, String name, int columns, int rows,
                                           Map<String, String> env, String title, boolean recordInput,
                                           LongSupplier nanoTime) throws IOException {
        if (columns <= 0 || rows <= 0) {
            throw new IllegalArgumentException("a terminal of " + columns + "x" + rows + " cannot be recorded");
        }
        Path file = directory.resolve(name + ".cast");
        if (name.isEmpty() || !directory.equals(file.getParent())) {
            throw new IllegalArgumentException("a recording name must be a plain file name, not \"" + name + "\"");
        }
        FileAttribute<?>[] attributes = file.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {OWNER_ONLY} : new FileAttribute<?>[0];
        FileChannel channel = FileChannel.open(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes);
        try {
            return start(file, channel, columns, rows, env, title, recordInput, nanoTime);
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Writes the header to {@code channel}, an empty file, and returns its recorder; closes the
     * channel if the header cannot be written. For tests, any channel that behaves like a file.
     */
    static AsciicastRecorder start(Path file, SeekableByteChannel channel, int columns, int rows,
                                   Map<String, String> env, String title, boolean recordInput,
                                   LongSupplier nanoTime) throws IOException {
        long startNanos = nanoTime.getAsLong();
        try {
            ByteBuffer header = ByteBuffer.wrap(header(columns, rows, env, title, Instant.now()));
            while (header.hasRemaining()) {
                channel.write(header);
            }
            return new AsciicastRecorder(file, channel, channel.position(), recordInput, nanoTime, startNanos);
        } catch (IOException | JsonException e) {
            channel.close();
            throw e instanceof IOException io ? io : new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] header(int columns, int rows, Map<String, String> env, String title, Instant startedAt) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(line, StandardCharsets.UTF_8)) {
            json.writeStartObject()
                    .write("version", 2)
                    .write("width", columns)
                    .write("height", rows)
                    .write("timestamp", startedAt.getEpochSecond());
            if (env != null && !env.isEmpty()) {
                json.writeStartObject("env");
                new TreeMap<>(env).forEach((key, value) -> {
                    if (value != null) {
                        json.write(key, value);
                    }
                });
                json.writeEnd();
            }
            if (title != null) {
                json.write("title", title);
            }
            json.writeEnd();
        }
        line.write('\n');
        return line.toByteArray();
    }

    public Path file() {
        return file;
    }

    /** Records the remaining bytes of {@code bytes} as output, without moving its position. */
    public void output(ByteBuffer bytes) {
        lock.lock();
        try {
            if (recording()) {
                String text = outputText.decode(bytes);
                if (!text.isEmpty()) {
                    event("o", text);
                }
            }
        } catch (IOException | JsonException e) {
            fail(e);
        } finally {
            lock.unlock();
        }
    }

    /** Records a new terminal size. A size no player could show (not positive) is left out. */
    public void resize(int columns, int rows) {
        if (columns <= 0 || rows <= 0) {
            return;
        }
        lock.lock();
        try {
            if (recording()) {
                event("r", columns + "x" + rows);
            }
        } catch (IOException | JsonException e) {
            fail(e);
        } finally {
            lock.unlock();
        }
    }

    /** Records input as "i" events if this recorder was created to record input; otherwise nothing. */
    public void input(byte[] bytes) {
        if (!recordInput) {
            return;
        }
        lock.lock();
        try {
            if (recording()) {
                String text = inputText.decode(ByteBuffer.wrap(bytes));
                if (!text.isEmpty()) {
                    event("i", text);
                }
            }
        } catch (IOException | JsonException e) {
            fail(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the recording: a carried partial character is written as U+FFFD, the buffer is flushed
     * and the file closed, ending with a newline. Later calls, and events after it, do nothing.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (failed) {
                return;
            }
            String rest = outputText.finish();
            if (!rest.isEmpty()) {
                event("o", rest);
            }
            rest = inputText.finish();
            if (recordInput && !rest.isEmpty()) {
                event("i", rest);
            }
            flush();
        } catch (IOException | JsonException e) {
            fail(e);
        } finally {
            closeQuietly();
            lock.unlock();
        }
    }

    // ---- with the lock held ----

    private boolean recording() {
        return !closed && !failed;
    }

    private void event(String code, String data) throws IOException {
        append(line(code, data));
        if (!flushScheduled && !closed) {
            flushScheduled = true;
            FLUSHER.execute(this::flushLater);
        }
    }

    /** One whole event line, time taken now. */
    private byte[] line(String code, String data) {
        // nanoTime is monotonic and read under the lock; max() only guards a clock that is not.
        long micros = Math.max(lastMicros, (nanoTime.getAsLong() - startNanos) / 1000);
        lastMicros = micros;
        ByteArrayOutputStream line = new ByteArrayOutputStream(data.length() + 32);
        try (JsonGenerator json = JSON.createGenerator(line, StandardCharsets.UTF_8)) {
            // A scale-6 BigDecimal prints as 1.234567, never 1.0E-6 as a double would.
            json.writeStartArray().write(BigDecimal.valueOf(micros, 6)).write(code).write(data).writeEnd();
        }
        line.write('\n');
        return line.toByteArray();
    }

    /** Queues a whole line; the buffer goes to the file first if the line does not fit in it. */
    private void append(byte[] line) throws IOException {
        if (line.length > pending.remaining()) {
            flush();
        }
        if (line.length > pending.capacity()) {
            write(ByteBuffer.wrap(line));
        } else {
            pending.put(line);
        }
    }

    /** Writes the buffered lines. On success the file ends with a whole line. */
    private void flush() throws IOException {
        pending.flip();
        try {
            write(pending);
        } catch (IOException e) {
            // The lines that went out whole before the failure are kept.
            for (int end = pending.position() - 1; end >= 0; end--) {
                if (pending.get(end) == '\n') {
                    committed += end + 1;
                    break;
                }
            }
            throw e;
        } finally {
            pending.clear();
        }
    }

    private void write(ByteBuffer lines) throws IOException {
        while (lines.hasRemaining()) {
            channel.write(lines);
        }
        committed = channel.position();
    }

    private void fail(Exception e) {
        if (!failed) {
            failed = true;
            // JSON-P wraps the writer's IOException; its message ("No space left on device") is the fact.
            Throwable cause = e instanceof JsonException && e.getCause() instanceof IOException io ? io : e;
            LOG.log(Level.WARNING, "recording to " + file + " stopped, the terminal goes on: " + cause.getMessage());
            LOG.log(Level.FINE, "recording failure", e);
            endWithMarker("recording stopped: " + cause.getMessage());
        }
        closeQuietly();
    }

    /**
     * Cuts the file back to its last whole line, which a failed write may have been followed by a
     * part of, then says why the recording ends, if the disk has room for that one line.
     */
    private void endWithMarker(String why) {
        pending.clear();
        try {
            channel.truncate(committed);
            write(ByteBuffer.wrap(line("m", why)));
        } catch (IOException | RuntimeException e) {
            try {
                channel.truncate(committed);
            } catch (IOException again) {
                LOG.log(Level.FINE, "cannot cut " + file + " back to its last whole event", again);
            }
        }
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing " + file, e);
        }
    }

    // ---- the delayed flush ----

    private void flushLater() {
        lock.lock();
        try {
            flushScheduled = false;
            if (recording()) {
                flush();
            }
        } catch (IOException e) {
            fail(e);
        } finally {
            lock.unlock();
        }
    }
}
