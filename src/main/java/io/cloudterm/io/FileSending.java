package io.cloudterm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sends bytes straight to a connected socket that someone else owns (Helidon), by its fd: a
 * file's bytes go from the page cache to the socket inside the kernel ({@code sendfile(2)}),
 * bytes in native memory are written from where they are. Offered by the native layer, absent in
 * pure-Java mode.
 *
 * <p>The JDK keeps sockets of virtual threads non-blocking; when the socket's buffer is full the
 * calling thread parks until the peer has read (no spinning, no carrier held), then goes on
 * from where it stopped. The owner must not write to or close the socket during a call.
 */
public interface FileSending {

    /**
     * Opens {@code file} to send from: before a response commits to it, so that a file gone since
     * it was looked at can still be answered with an error instead of a broken body.
     */
    OpenFile open(Path file) throws IOException;

    /**
     * Sends the remaining bytes of {@code bytes} to {@code socketFd}, and moves its position to
     * its limit. A direct buffer is written from its own memory; a heap buffer through a small
     * native copy at a time.
     */
    void sendMemory(int socketFd, ByteBuffer bytes) throws IOException;

    /** A file open for reading, to send ranges of. */
    interface OpenFile extends AutoCloseable {

        /**
         * Sends exactly {@code length} bytes from {@code offset} to {@code socketFd}. Fails if the
         * file ends before {@code offset + length} (truncated since its length was read) or if
         * the connection fails; bytes already sent stay sent.
         */
        void sendTo(int socketFd, long offset, long length) throws IOException;

        @Override
        void close();
    }
}
