package io.cloudterm.web;

import io.helidon.common.socket.SocketOptions;
import java.net.Socket;
import java.net.SocketOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * What happens to each socket Helidon accepts, before Helidon serves it (its per-connection socket
 * options are the one hook there): the server's options, the check that files remain
 * ({@link FdHeadroom}), and for TLS a bound on the handshake, which Helidon runs before any HTTP
 * and would otherwise wait on forever.
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
        if (socket instanceof SSLSocket tls) {
            deadlines.handshaking(tls);
        }
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
