package io.cloudterm.files;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The routes the zero-copy tests serve, and the files and hashes they compare: each response says
 * in {@code X-Body} whether its body went on the socket ("native") or was copied ("copy").
 * <ul>
 * <li>{@code /files/NAME?offset=&length=}: a file of the directory, or a range of it</li>
 * <li>{@code /memory?direct=true|false&readOnly=&offset=&length=}: 1 MiB in native memory or on the heap</li>
 * <li>{@code /vanished}: a file that is not there when it is to be sent</li>
 * </ul>
 */
final class ZeroCopyRoutes {

    static final int KIB = 1024;
    static final int MIB = 1024 * KIB;

    private final Path dir;
    private final ZeroCopySender sender;

    ZeroCopyRoutes(Path dir, ZeroCopySender sender) {
        this.dir = dir;
        this.sender = sender;
    }

    void register(HttpRules rules) {
        rules.get("/files/{name}", this::serveFile)
                .get("/memory", this::serveMemory)
                .get("/vanished", (request, response) -> {
                    response.header(HeaderNames.CONTENT_LENGTH, "10");
                    send(response, new Body.FileBody(dir.resolve("vanished.bin")), 0, 10, () -> {
                        throw new IOException("no copying route for a file that is not there");
                    });
                });
    }

    private void serveFile(ServerRequest request, ServerResponse response) throws IOException {
        Path file = dir.resolve(request.path().pathParameters().get("name"));
        long offset = request.query().first("offset").map(Long::parseLong).orElse(0L);
        long length = request.query().first("length").map(Long::parseLong).orElse(Files.size(file));
        response.header(HeaderNames.CONTENT_LENGTH, String.valueOf(length));
        response.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
        send(response, new Body.FileBody(file), offset, length, () -> {
            try (InputStream in = Files.newInputStream(file); OutputStream out = response.outputStream()) {
                // A new array per write: Helidon 4.2.6's write queue holds on to the arrays it is
                // given, so Files.copy's reused buffer would be sent after it was overwritten.
                for (byte[] chunk; (chunk = in.readNBytes(64 * KIB)).length > 0; ) {
                    out.write(chunk);
                }
            }
        });
    }

    private void serveMemory(ServerRequest request, ServerResponse response) throws IOException {
        var query = request.query();
        ByteBuffer bytes = memory(query.get("direct").equals("true"));
        if (query.first("readOnly").map(Boolean::parseBoolean).orElse(false)) {
            bytes = bytes.asReadOnlyBuffer(); // as a cache would hand out what it shares
        }
        int offset = query.first("offset").map(Integer::parseInt).orElse(0);
        int length = query.first("length").map(Integer::parseInt).orElse(bytes.remaining());
        response.header(HeaderNames.CONTENT_LENGTH, String.valueOf(length));
        send(response, new Body.MemoryBody(bytes), offset, length, () -> {
            throw new IOException("no copying route for memory");
        });
    }

    /**
     * As the files routes will: native where the response's socket is in reach, else the copy; a
     * failure before the headers is still a response, one after them ends the connection.
     */
    private void send(ServerResponse response, Body body, long offset, long length, Copy copy) throws IOException {
        Optional<BodySender> onSocket = sender.forResponse(response);
        response.header("X-Body", onSocket.isPresent() ? "native" : "copy");
        if (onSocket.isEmpty()) {
            copy.run();
            return;
        }
        try {
            onSocket.get().send(response, body, offset, length);
        } catch (IOException e) {
            if (!response.isSent()) {
                response.headers().remove(HeaderNames.CONTENT_LENGTH);
                response.status(Status.NOT_FOUND_404).send("gone");
                return;
            }
            throw new CloseConnectionException("the body could not be sent whole", e);
        }
    }

    private interface Copy {
        void run() throws IOException;
    }

    /** The same 1 MiB of pseudo-random bytes, in native memory or on the heap. */
    static ByteBuffer memory(boolean direct) {
        byte[] bytes = new byte[MIB];
        new SplittableRandom(42).nextBytes(bytes);
        return direct ? ByteBuffer.allocateDirect(MIB).put(bytes).flip() : ByteBuffer.wrap(bytes);
    }

    /** Pseudo-random bytes, a different MiB each time: a byte sent from the wrong offset shows. */
    static void randomFile(Path path, int size) throws IOException {
        SplittableRandom random = new SplittableRandom(size);
        byte[] block = new byte[Math.min(size, MIB)];
        try (OutputStream out = Files.newOutputStream(path)) {
            for (int written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block);
            }
        }
    }

    static byte[] sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate(MIB);
            while (channel.read(buffer.clear()) > 0) {
                digest.update(buffer.flip());
            }
        }
        return digest.digest();
    }

    static byte[] sha256(ByteBuffer bytes) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(bytes);
        return digest.digest();
    }
}
