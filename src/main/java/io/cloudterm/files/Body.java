package io.cloudterm.files;

import java.io.IOException;
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

        /**
         * Bytes {@code offset} to {@code offset + length} of this body, as a view of their own
         * (the shared buffer's position stays where it is); a range outside it is an IOException.
         */
        public ByteBuffer range(long offset, long length) throws IOException {
            if (offset < 0 || length < 0 || offset + length > bytes.remaining()) {
                throw new IOException("bytes " + offset + "+" + length + " of " + bytes.remaining() + " in memory");
            }
            ByteBuffer view = bytes.duplicate();
            view.position(bytes.position() + (int) offset);
            view.limit(view.position() + (int) length);
            return view;
        }
    }
}
