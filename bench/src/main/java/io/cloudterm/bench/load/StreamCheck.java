package io.cloudterm.bench.load;

import io.cloudterm.client.TtyClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The output of {@link #COMMAND} checked byte by byte: {@code READY\r\n}, then exactly the
 * requested number of {@code x}, then {@code \r\nEND\r\n}, and nothing else. Fails loudly on a
 * missing, extra or foreign byte. Records when the last {@code x} came.
 */
final class StreamCheck implements TtyClient.Output {

    /**
     * The terminal's command: echo off (so the count typed is not echoed), say READY, read the byte
     * count, print that many {@code x} (no newline, so the pty adds nothing), then END.
     */
    static final List<String> COMMAND = List.of("sh", "-c",
            "stty -echo; printf 'READY\\n'; read n; head -c \"$n\" /dev/zero | tr '\\0' x; printf '\\nEND\\n'");
    private static final String READY = "READY\r\n";
    /** What the stream's bulk must equal, in pieces of at most this size. */
    private static final ByteBuffer XS = xs(64 * 1024);
    private static final String END = "\r\nEND\r\n";

    private enum State { READY, STREAM, END, DONE }

    private final long expected;
    private final StringBuilder text = new StringBuilder();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private State state = State.READY;
    private long xs;
    private long payload;
    private volatile long lastX;
    private volatile String error;

    StreamCheck(long expected) {
        this.expected = expected;
    }

    @Override
    public void output(ByteBuffer data, boolean last) {
        int from = data.position(), to = data.limit();
        payload += to - from;
        long got = 0;
        for (int i = from; i < to && error == null; i++) {
            if (state == State.STREAM) {
                // The stream's bulk is checked by the JDK's vectorised mismatch, not byte by byte:
                // the driver shares the machine's CPUs with the server it measures.
                int run = runOfX(data, i, to);
                got += run;
                i += run;
                if (i == to) {
                    break;
                }
            }
            byte b = data.get(i);
            switch (state) {
                case STREAM -> {
                    if (b == 'x') {
                        got++;
                    } else {
                        state = State.END;
                        text.setLength(0);
                        text.append((char) b);
                    }
                }
                case READY, END -> {
                    text.append((char) (b & 0xff));
                    String want = state == State.READY ? READY : END;
                    if (!want.startsWith(text.toString())) {
                        fail("expected " + printable(want) + ", got " + printable(text.toString()));
                    } else if (text.length() == want.length()) {
                        if (state == State.READY) {
                            state = State.STREAM;
                            ready.countDown();
                        } else {
                            state = State.DONE;
                            if (xs + got != expected) {
                                fail("expected " + expected + " x, got " + (xs + got));
                            }
                            done.countDown();
                        }
                    }
                }
                case DONE -> fail("a byte after END: " + printable(String.valueOf((char) (b & 0xff))));
            }
        }
        if (got > 0) {
            xs += got;
            lastX = System.nanoTime();
            if (xs > expected) {
                fail("more than " + expected + " x: " + xs + " already");
            }
        }
        data.position(to);
    }

    private static ByteBuffer xs(int size) {
        byte[] x = new byte[size];
        Arrays.fill(x, (byte) 'x');
        return ByteBuffer.allocateDirect(size).put(x).flip().asReadOnlyBuffer();
    }

    /** How many bytes from {@code from} (before {@code to}) are {@code x}. */
    private static int runOfX(ByteBuffer data, int from, int to) {
        int run = 0;
        while (from + run < to) {
            int length = Math.min(XS.capacity(), to - from - run);
            int mismatch = data.slice(from + run, length).mismatch(XS.slice(0, length));
            if (mismatch >= 0) {
                return run + mismatch;
            }
            run += length;
        }
        return run;
    }

    void awaitReady(Duration limit) throws InterruptedException {
        if (!ready.await(limit.toMillis(), TimeUnit.MILLISECONDS) || error != null) {
            throw new IllegalStateException("no READY within " + limit + (error != null ? ": " + error : ", output: " + printable(text.toString())));
        }
    }

    /** Waits for END; throws unless exactly the expected bytes came. */
    void awaitEnd(Duration limit) throws InterruptedException {
        if (!done.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("no END within " + limit + ": " + xs + " of " + expected + " x so far");
        }
        if (error != null) {
            throw new IllegalStateException(error);
        }
    }

    /** The connection ended: unless END came first, that is a failure. */
    void closed(TtyClient.Close how) {
        if (done.getCount() > 0) {
            fail("closed (" + how + ") after " + xs + " of " + expected + " x");
        }
    }

    long lastX() {
        return lastX;
    }

    /** OUTPUT payload bytes, the READY and END lines included. */
    long payload() {
        return payload;
    }

    private void fail(String why) {
        if (error == null) {
            error = why;
        }
        ready.countDown();
        done.countDown();
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            b.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.append('\'').toString();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
