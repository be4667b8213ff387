package io.cloudterm.web;

import io.cloudterm.config.ServerConfig;
import java.util.function.LongSupplier;

/**
 * The time one HTTP/1 connection has left to send what it owes: the request line and headers
 * within the header timeout (from connecting, or from the end of the previous response), the
 * body within the body timeout (from the last header). While our own code works on a request,
 * and once the connection is a WebSocket, the client owes nothing and no clock runs: WebSockets
 * have their own ping and close idle ones themselves.
 *
 * <p>Only a read that waits on the client can be overdue: a response being written, or a slow
 * handler, never is.
 */
final class RequestClock {

    /** What the connection is waiting for. */
    enum Phase {
        HEADERS("request headers"), BODY("request body"), SERVING("response"), UPGRADED("WebSocket");

        private final String what;

        Phase(String what) {
            this.what = what;
        }

        String what() {
            return what;
        }
    }

    private final long headerNanos;
    private final long bodyNanos;
    private final LongSupplier nanoTime;
    private volatile Phase phase = Phase.HEADERS;
    private volatile long deadline;
    private volatile boolean reading;
    private volatile boolean responded;
    private volatile boolean closeAfterResponse;
    private volatile boolean expired;
    /** Whether any byte of the current request has come: a connection idle between requests is closed without a word. */
    private volatile boolean started;
    /** The current body may be large (an upload): its deadline moves on with each {@link #PROGRESS_BYTES} received. */
    private volatile boolean streamed;
    private long progress;

    /**
     * Bytes of a streamed body that earn it another body timeout: an upload of any size may take
     * as long as it needs while it moves, and a client that sends less than this per timeout
     * (64 KiB per 30 s by default) is as late as any other.
     */
    static final int PROGRESS_BYTES = 64 * 1024;

    /** A clock whose first request's headers are due at {@code headersDue} (in {@code nanoTime}'s time). */
    RequestClock(ServerConfig.HttpLimits limits, LongSupplier nanoTime, long headersDue) {
        this.headerNanos = limits.headerTimeout().toNanos();
        this.bodyNanos = limits.bodyTimeout().toNanos();
        this.nanoTime = nanoTime;
        this.deadline = headersDue;
    }

    /**
     * Called before each read from the client. Returns false if the connection must close instead:
     * it timed out, or its last response said {@code Connection: close}.
     */
    boolean beforeRead() {
        if (responded) {
            // The previous exchange is over: the next bytes are a new request's, on the header clock.
            responded = false;
            if (closeAfterResponse) {
                return false;
            }
            phase = Phase.HEADERS;
            started = false;
            deadline = nanoTime.getAsLong() + headerNanos;
        }
        reading = !expired;
        return reading;
    }

    void afterRead(boolean received) {
        afterRead(received ? 1 : 0);
    }

    /** After a read from the client that brought {@code bytes}. */
    void afterRead(int bytes) {
        reading = false;
        started |= bytes > 0;
        if (streamed && phase == Phase.BODY && bytes > 0) {
            progress += bytes;
            if (progress >= PROGRESS_BYTES) {
                progress = 0;
                deadline = nanoTime.getAsLong() + bodyNanos;
            }
        }
    }

    /** Whether the client has sent part of a request, which deserves an answer if it is late. */
    boolean midRequest() {
        return started || phase != Phase.HEADERS;
    }

    /**
     * The headers are in: the body's clock starts, or none runs while we serve or upgrade. With
     * {@code close} (the client's {@code Connection: close}) the connection ends after the response.
     */
    void headersRead(boolean hasBody, boolean upgrade, boolean close) {
        headersRead(hasBody, upgrade, close, false);
    }

    /** As {@link #headersRead(boolean, boolean, boolean)}; {@code streamed}: the body may be large, see {@link #PROGRESS_BYTES}. */
    void headersRead(boolean hasBody, boolean upgrade, boolean close, boolean streamed) {
        closeAfterResponse |= close;
        this.streamed = streamed && hasBody;
        progress = 0;
        if (upgrade) {
            phase = Phase.UPGRADED;
        } else if (hasBody) {
            deadline = nanoTime.getAsLong() + bodyNanos;
            phase = Phase.BODY;
        } else {
            phase = Phase.SERVING;
        }
    }

    /** A response is going out (an upgrade that was refused included); it may end the connection. */
    void responding(boolean closeConnection) {
        if (phase == Phase.UPGRADED) {
            phase = Phase.SERVING; // the upgrade was refused with an HTTP answer: HTTP goes on
        }
        closeAfterResponse |= closeConnection;
        responded = true;
    }

    /**
     * The phase this connection is overdue in: it waits on the client for headers or a body past
     * its deadline; null if it is not. An overdue connection stays expired: every later read fails.
     */
    Phase expireIfOverdue() {
        Phase now = phase;
        if (expired || !reading || (now != Phase.HEADERS && now != Phase.BODY) || nanoTime.getAsLong() - deadline < 0) {
            return null;
        }
        expired = true;
        return now;
    }

    boolean expired() {
        return expired;
    }
}
