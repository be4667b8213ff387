package io.cloudterm.pty;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child on a pty with a virtual thread reading everything it prints, the way a Terminal reads it:
 * tests wait for text to appear, write keystrokes, and read the whole transcript at the end.
 */
final class Transcript implements AutoCloseable {

    static final Duration PATIENCE = Duration.ofSeconds(10);

    final Pty pty;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    /** Completes with the last read's result (-1) or the exception that ended the reading. */
    private final CompletableFuture<Integer> end = new CompletableFuture<>();

    private Transcript(Pty pty) {
        this.pty = pty;
        Thread.ofVirtual().name("pty-reader-" + pty.pid()).start(this::readAll);
    }

    static Transcript start(PtySystem system, PtySpec spec) throws IOException {
        return new Transcript(system.spawn(spec));
    }

    private void readAll() {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        try {
            while (true) {
                buffer.clear();
                int n = pty.read(buffer);
                if (n < 0) {
                    end.complete(n);
                    return;
                }
                synchronized (bytes) {
                    bytes.write(buffer.array(), 0, buffer.position());
                }
            }
        } catch (Throwable e) {
            end.completeExceptionally(e);
        }
    }

    /** Everything read so far, as the terminal would show it (with the CRs of ONLCR). */
    String text() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Everything read so far without the CRs the tty's ONLCR put before each newline. */
    String lines() {
        return text().replace("\r", "");
    }

    void type(String keys) throws IOException {
        pty.write(ByteBuffer.wrap(keys.getBytes(StandardCharsets.UTF_8)));
    }

    void awaitText(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!text().contains(expected)) {
            if (System.nanoTime() > deadline) {
                fail("no '" + printable(expected) + "' in the output within " + PATIENCE.toSeconds() + " s; output: '"
                        + printable(text()) + "'");
            }
            Thread.sleep(5);
        }
    }

    /** Waits for read to return -1 and returns the whole output without CRs. */
    String awaitEnd() throws Exception {
        return awaitEnd(PATIENCE);
    }

    String awaitEnd(Duration patience) throws Exception {
        try {
            end.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fail("read did not return -1 within " + patience.toMillis() + " ms; output: '" + printable(text()) + "'");
        } catch (ExecutionException e) {
            throw new AssertionError("read failed", e.getCause());
        }
        return lines();
    }

    boolean ended() {
        return end.isDone();
    }

    /** The child's status, waiting at most the test's patience. */
    ExitStatus status() throws InterruptedException, ExecutionException, TimeoutException {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return pty.waitFor();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, command -> Thread.ofVirtual().start(command)).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    }

    static String printable(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n").replace("\033", "\\e");
    }

    /** Leaves nothing behind, whatever the test did: kill the group, reap, release the pty. */
    @Override
    public void close() {
        try {
            if (pty.exitStatus().isEmpty()) {
                pty.signalGroup(Signal.KILL);
                status();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the child " + pty.pid() + " did not end after SIGKILL", e);
        } finally {
            pty.close();
        }
        try {
            end.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // the test already judged the reading
        } catch (TimeoutException e) {
            throw new AssertionError("read did not return -1 after close()", e);
        }
    }

    /** A spec with a small, known environment: PATH for the tools, nothing else unless asked. */
    static PtySpec spec(List<String> command) {
        return new PtySpec(command, Path.of("").toAbsolutePath(), Map.of("PATH", "/usr/bin:/bin"), 80, 24);
    }
}
