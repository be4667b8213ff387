package io.cloudterm.files;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Small files that are asked for often, held in memory off the heap so that answering them costs
 * no open, no read and no system call but the socket write. Bounded in bytes: the sum of the files
 * held never exceeds the budget once the cache has caught up ({@link #cleanUp()}); a file above
 * the per-file limit is never held (it goes out by sendfile, which costs little at that size).
 *
 * <p>Which files stay is Caffeine's W-TinyLFU: by how often a file is asked for, not only how
 * lately, so one pass over a large directory does not flush the files everyone fetches.
 *
 * <p>An entry is the file as it was when read: it is used only while the caller's attributes of
 * the file (size, modification time, and the file key, the inode on Linux, so a file replaced by
 * a rename is a new file) are those it was read with; otherwise it is read again. A file that
 * changes while it is read is not kept.
 *
 * <p>Eviction never pulls bytes from under a response: what a caller gets is a view of the entry's
 * direct buffer, and the buffer's memory is freed only once no view of it is reachable, so a
 * response still sending an evicted file finishes with that file's bytes. The price is that freed
 * memory returns when the garbage collector notices, not at eviction; explicit freeing would need a
 * lease released by every sender, and one missed release would be a leak or a use after free.
 */
public final class FileCache {

    public static final long DEFAULT_MAXIMUM_BYTES = 64L * 1024 * 1024;
    /**
     * The largest file held: above this, {@code sendfile(2)} from the page cache, which hands the
     * socket the cached pages without a copy, costs less than a write from memory, which copies;
     * below it, what the cache saves (an open, a stat of the opened file, a close) is most of a
     * request's system calls.
     */
    public static final int DEFAULT_MAXIMUM_FILE_BYTES = 64 * 1024;

    private final Cache<Path, Entry> entries;
    private final int maximumFileBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder reads = new LongAdder();

    /**
     * A cache of at most {@code maximumBytes} of file contents, holding files of at most
     * {@code maximumFileBytes} each.
     */
    public FileCache(long maximumBytes, int maximumFileBytes) {
        if (maximumBytes < 0 || maximumFileBytes < 0) {
            throw new IllegalArgumentException("cache sizes cannot be negative: " + maximumBytes + ", " + maximumFileBytes);
        }
        this.maximumFileBytes = maximumFileBytes;
        // An empty file weighs 1: a flood of them still counts against the budget.
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maximumBytes)
                .weigher((Path path, Entry entry) -> Math.max(1, entry.bytes().capacity()))
                .build();
    }

    /** At most {@code maximumBytes} of files of up to 64 KiB each (less if the whole budget is less). */
    public static FileCache holding(long maximumBytes) {
        return new FileCache(maximumBytes, (int) Math.min(maximumBytes, DEFAULT_MAXIMUM_FILE_BYTES));
    }

    /** 64 MiB of files of up to 64 KiB each. */
    public static FileCache withDefaults() {
        return new FileCache(DEFAULT_MAXIMUM_BYTES, DEFAULT_MAXIMUM_FILE_BYTES);
    }

    /**
     * The bytes of the regular file at {@code path}, whose {@code attributes} the caller has just
     * read (and answers from: its length, its validators): from memory, read now if they were not
     * there or the file changed. Empty for a file above the per-file limit, or one that changed
     * while it was read: the caller sends it from the file.
     */
    public Optional<Body.MemoryBody> bytes(Path path, BasicFileAttributes attributes) throws IOException {
        if (!attributes.isRegularFile() || attributes.size() > maximumFileBytes) {
            entries.invalidate(path); // it was small once: its old bytes would hold budget for nothing
            return Optional.empty();
        }
        Entry held = entries.getIfPresent(path);
        if (held != null && held.describes(attributes)) {
            hits.increment();
            return Optional.of(held.body());
        }
        if (held != null) {
            entries.asMap().remove(path, held);
        }
        Entry read;
        try {
            // One read per file however many ask at once; others wait for it (a read of at most the per-file limit).
            read = entries.get(path, p -> read(p, attributes));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        // Null: it changed while read. Another version: another caller read it with other attributes just now.
        return read != null && read.describes(attributes) ? Optional.of(read.body()) : Optional.empty();
    }

    /** Bytes held, as the budget counts them; at most the budget after {@link #cleanUp()}. */
    public long heldBytes() {
        return entries.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /** Answers from memory so far. */
    public long hits() {
        return hits.sum();
    }

    /** Files read into memory so far (first requests, and requests for files that changed). */
    public long reads() {
        return reads.sum();
    }

    /** Does now the evictions the cache would otherwise do a little later, in the background. */
    public void cleanUp() {
        entries.cleanUp();
    }

    private Entry read(Path path, BasicFileAttributes attributes) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocateDirect((int) attributes.size());
            while (bytes.hasRemaining()) {
                if (channel.read(bytes) < 0) {
                    return null; // shorter than its attributes said: it changed
                }
            }
            if (channel.size() != attributes.size()) {
                return null;
            }
            BasicFileAttributes after = Files.readAttributes(path, BasicFileAttributes.class);
            Entry entry = new Entry(bytes.flip().asReadOnlyBuffer(), after.size(), after.lastModifiedTime(), after.fileKey());
            reads.increment();
            return entry.describes(attributes) ? entry : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file's bytes (read-only, direct) and the attributes it had when they were read. */
    private record Entry(ByteBuffer bytes, long size, FileTime modified, Object fileKey) {

        boolean describes(BasicFileAttributes attributes) {
            return attributes.size() == size && attributes.lastModifiedTime().equals(modified)
                    && Objects.equals(attributes.fileKey(), fileKey);
        }

        /** A view of its own for each response: positions are not shared, the memory is. */
        Body.MemoryBody body() {
            return new Body.MemoryBody(bytes.duplicate());
        }
    }
}
