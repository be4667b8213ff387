package io.cloudterm.files;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Where a representation's bytes are: a file on disk, or bytes already in memory. */
public sealed interface Body {

    /** A regular file, opened for each response: its bytes never pass through the heap on their way out. */
    record FileBody(Path path) implements Body {
    }

    /**
     * Bytes in memory (a cached file, a precompressed page asset): {@code bytes} from its position
     * to its limit, never modified; senders read it through a duplicate.
     */
    record MemoryBody(ByteBuffer bytes) implements Body {
    }
}
