package io.cloudterm.recording;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.BufferedWriter;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
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
 * 64 KiB buffer, drained to the file at most 250 ms after anything was written, so a crash loses
 * a fraction of a second. A write that fails (disk full) stops the recording, logged once; the
 * terminal never notices.
 */
public final class AsciicastRecorder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AsciicastRecorder.class.getName());
    private static final int BUFFER_CHARS = 64 * 1024;
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
    private final FileChannel channel;
    private final boolean recordInput;
    private final LongSupplier nanoTime;
    private final long startNanos;

    // Guarded by lock.
    private final Writer out;
    private final Writer events;
    private final Utf8Carry outputText = new Utf8Carry();
    private final Utf8Carry inputText = new Utf8Carry();
    private long lastMicros;
    private boolean flushScheduled;
    private boolean failed;
    private boolean closed;

    private AsciicastRecorder(Path file, FileChannel channel, Writer out, boolean recordInput,
                              LongSupplier nanoTime, long startNanos) {
        this.file = file;
        this.channel = channel;
        this.out = out;
        this.events = new KeepOpen(out);
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
        Writer out = new BufferedWriter(
                new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8), BUFFER_CHARS);
        long startNanos = nanoTime.getAsLong();
        try {
            writeHeader(out, columns, rows, env, title, Instant.now());
            out.flush();
        } catch (IOException | JsonException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e instanceof IOException io ? io : new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return new AsciicastRecorder(file, channel, out, recordInput, nanoTime, startNanos);
    }

    private static void writeHeader(Writer out, int columns, int rows, Map<String, String> env, String title,
                                    Instant startedAt) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(new KeepOpen(out))) {
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
        out.write('\n');
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
            out.close();
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
        // nanoTime is monotonic and read under the lock; max() only guards a clock that is not.
        long micros = Math.max(lastMicros, (nanoTime.getAsLong() - startNanos) / 1000);
        lastMicros = micros;
        try (JsonGenerator json = JSON.createGenerator(events)) {
            // A scale-6 BigDecimal prints as 1.234567, never 1.0E-6 as a double would.
            json.writeStartArray().write(BigDecimal.valueOf(micros, 6)).write(code).write(data).writeEnd();
        }
        out.write('\n');
        if (!flushScheduled && !closed) {
            flushScheduled = true;
            FLUSHER.execute(this::flushLater);
        }
    }

    private void fail(Exception e) {
        if (!failed) {
            failed = true;
            // JSON-P wraps the writer's IOException; its message ("No space left on device") is the fact.
            Throwable cause = e instanceof JsonException && e.getCause() instanceof IOException io ? io : e;
            LOG.log(Level.WARNING, "recording to " + file + " stopped, the terminal goes on: " + cause.getMessage());
            LOG.log(Level.FINE, "recording failure", e);
        }
        closeQuietly();
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
                out.flush();
            }
        } catch (IOException e) {
            fail(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Where each event's JSON generator writes: into the shared buffer, which the generator must
     * neither flush (that would defeat the buffer) nor close (that would end the file).
     */
    private static final class KeepOpen extends FilterWriter {

        KeepOpen(Writer out) {
            super(out);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
