package io.cloudterm.web;

import io.helidon.common.socket.SocketOptions;
import java.net.Socket;
import java.net.SocketOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What happens to each socket Helidon accepts, before Helidon serves it (its per-connection socket
 * options are the one hook there): the server's options, the check that files remain
 * ({@link FdHeadroom}), and a bound on the time to the first request (a TLS handshake included),
 * which Helidon waits for before any HTTP is parsed, and would wait for forever.
 */
final class AcceptedSockets implements SocketOptions {

    private final SocketOptions options;
    private final Optional<FdHeadroom> headroom;
    private final RequestDeadlines deadlines;

    AcceptedSockets(SocketOptions options, Optional<FdHeadroom> headroom, RequestDeadlines deadlines) {
        this.options = options;
        this.headroom = headroom;
        this.deadlines = deadlines;
    }

    @Override
    public void configureSocket(Socket socket) {
        options.configureSocket(socket);
        headroom.ifPresent(h -> h.admit(socket));
        deadlines.accepted(socket);
    }

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
        return options.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
        return options.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return options.readTimeout();
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
        return options.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
        return options.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
        return options.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
        return options.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
        return options.tcpNoDelay();
    }
}
