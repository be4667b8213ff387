package io.cloudterm.bench.load;

import io.cloudterm.client.TtyClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The OUTPUT of a connection as text (ISO-8859-1, one char a byte): all bytes counted, the last 64 KiB kept. */
final class Transcript implements TtyClient.Output {

    private static final int LIMIT = 64 << 10;

    private final StringBuilder text = new StringBuilder();
    private long bytes;

    @Override
    public synchronized void output(ByteBuffer data, boolean last) {
        bytes += data.remaining();
        while (data.hasRemaining()) {
            text.append((char) (data.get() & 0xff));
        }
        if (text.length() > 2 * LIMIT) {
            text.delete(0, text.length() - LIMIT);
        }
        notifyAll();
    }

    synchronized String text() {
        return text.toString();
    }

    synchronized long bytes() {
        return bytes;
    }

    /** Waits (bounded) until the output is at least {@code length} bytes long; returns (the end of) it. */
    synchronized String await(long length, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (bytes < length) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return text.toString();
    }
}
