package io.cloudterm.web;

import io.cloudterm.config.ServerConfig;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.Bytes;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Every HTTP/1 connection of the server, served by Helidon's HTTP/1 connection under our rules:
 * each request timed ({@link RequestClock}, {@link RequestDeadlines}), its body framed strictly
 * ({@link RequestFraming}), {@code Connection: close} honoured by closing, and whatever is not
 * HTTP/1.1 (HTTP/1.0, garbage) answered rather than dropped.
 *
 * <p>Put before Helidon's selectors, it takes every connection that starts like HTTP/1.
 */
final class HttpGuard implements ServerConnectionSelector, AutoCloseable {

    private final Http1ConnectionSelector helidon;
    private final ServerConfig.HttpLimits limits;
    private final RequestDeadlines deadlines;

    /** {@code streamsBody}: the requests that may send a large body, read as a stream and bounded by their handler. */
    HttpGuard(ServerConfig.HttpLimits limits, List<Http1Upgrader> upgraders, Predicate<HttpPrologue> streamsBody) {
        BadRequests log = new BadRequests(System::nanoTime);
        Http1Config config = Http1Config.builder()
                .addReceiveListener(new RequestFraming(log, streamsBody))
                .addSendListener(new ResponseEnd())
                .build();
        var selector = Http1ConnectionSelector.builder().config(config);
        upgraders.forEach(selector::addUpgrader);
        this.helidon = selector.build();
        this.limits = limits;
        this.deadlines = new RequestDeadlines(limits, log);
    }

    @Override
    public int bytesToIdentifyConnection() {
        return helidon.bytesToIdentifyConnection();
    }

    /**
     * Every connection whose first line has come: HTTP/1 is this server's one protocol, and
     * Helidon's HTTP/1 parser answers what is not HTTP/1.1 (400, or 505 for HTTP/1.0), where
     * Helidon's selector would close the connection without a word.
     */
    @Override
    public Support supports(BufferData request) {
        return request.indexOf(Bytes.LF_BYTE) != -1 ? Support.SUPPORTED : helidon.supports(request);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return helidon.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        long headersDue = deadlines.identified(ctx.remotePeer().address());
        GuardedContext guarded = new GuardedContext(ctx, new RequestClock(limits, System::nanoTime, headersDue));
        return new Guarded(guarded, helidon.connection(guarded));
    }

    /** The clock of every connection, and of accepted sockets before they are connections. */
    RequestDeadlines deadlines() {
        return deadlines;
    }

    @Override
    public void close() {
        deadlines.close();
    }

    /** Helidon's connection, on the deadline watch while it runs. */
    private final class Guarded implements ServerConnection {
        private final GuardedContext ctx;
        private final ServerConnection connection;

        Guarded(GuardedContext ctx, ServerConnection connection) {
            this.ctx = ctx;
            this.connection = connection;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            deadlines.opened(ctx);
            try {
                connection.handle(limit);
            } finally {
                deadlines.closed(ctx);
            }
        }

        @Override
        public Duration idleTime() {
            return connection.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            connection.close(interrupt);
        }
    }

    /** Tells the connection's clock that a response is going out, and whether it ends the connection. */
    private static final class ResponseEnd implements Http1ConnectionListener {
        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            if (ctx instanceof GuardedContext guarded) {
                guarded.clock().responding(headers.contains(HeaderValues.CONNECTION_CLOSE));
            }
        }
    }
}
