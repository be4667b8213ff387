package io.cloudterm.files;

import io.helidon.webserver.http.ServerResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Sends bodies in pure Java, wherever the response is (TLS, HTTP/2, any platform): a file is read
 * with positional reads into one buffer per response, at most {@value #CHUNK} bytes, and each
 * chunk written to the response's stream; never the whole file in memory. Bytes in memory are
 * written from a duplicate of their buffer, so concurrent responses share them untouched.
 *
 * <p>A file that ends before the promised length (truncated while being sent) fails the send with
 * an {@link EOFException}: the caller ends the connection, the client sees a short body.
 */
public final class CopyingSender implements BodySender {

    /** Large enough that a read and a write cost little per byte, small enough to hold per response. */
    static final int CHUNK = 64 * 1024;

    @Override
    public void send(ServerResponse response, Body body, long offset, long length) throws IOException {
        switch (body) {
            case Body.FileBody file -> {
                try (FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ)) {
                    OutputStream out = response.outputStream();
                    copy(channel, offset, length, out);
                    out.close();
                }
            }
            case Body.MemoryBody memory -> {
                OutputStream out = response.outputStream();
                write(memory.range(offset, length), out);
                out.close();
            }
        }
    }

    private static void copy(FileChannel channel, long offset, long length, OutputStream out) throws IOException {
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(length, 1))];
        ByteBuffer buffer = ByteBuffer.wrap(chunk);
        long position = offset;
        long left = length;
        while (left > 0) {
            buffer.clear().limit((int) Math.min(chunk.length, left));
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new EOFException("the file ended at byte " + position + " of the " + (offset + length) + " promised");
            }
            out.write(chunk, 0, read);
            position += read;
            left -= read;
        }
    }

    /** Writes {@code bytes} (position to limit) to {@code out}, through a small array where they are off-heap. */
    private static void write(ByteBuffer bytes, OutputStream out) throws IOException {
        if (bytes.hasArray()) {
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            return;
        }
        byte[] chunk = new byte[Math.min(CHUNK, Math.max(bytes.remaining(), 1))];
        while (bytes.hasRemaining()) {
            int n = Math.min(chunk.length, bytes.remaining());
            bytes.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }
}
