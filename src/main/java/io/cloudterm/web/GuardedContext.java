package io.cloudterm.web;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Helidon's context of one connection, whose reads go through the connection's
 * {@link RequestClock}: each read from the client is timed, and a read after a response that said
 * {@code Connection: close}, or after a timeout, ends the connection instead of waiting.
 *
 * <p>Helidon's HTTP/1 connection, and the WebSocket it may become, read only through
 * {@link #dataReader()}, so this is the one place that sees every wait on the client.
 */
final class GuardedContext implements ConnectionContext {

    private final ConnectionContext helidon;
    private final RequestClock clock;
    private final DataReader reader;

    GuardedContext(ConnectionContext helidon, RequestClock clock) {
        this.helidon = helidon;
        this.clock = clock;
        this.reader = new DataReader(this::read);
    }

    RequestClock clock() {
        return clock;
    }

    /** Whether the request being read may carry a large body (an upload), as its request line says. */
    private volatile boolean streamedBody;

    void streamedBody(boolean allowed) {
        streamedBody = allowed;
    }

    boolean streamedBody() {
        return streamedBody;
    }

    /**
     * The next bytes from the client, as Helidon's own reader gets them. The client's end of stream
     * ends the connection quietly wherever it comes: Helidon logs one in the middle of a request's
     * headers as an internal error with a stack trace, a line of log an attacker gets per connection.
     */
    private byte[] read() {
        if (!clock.beforeRead()) {
            throw new CloseConnectionException(clock.expired() ? "the client was too slow" : "Connection: close");
        }
        DataReader source = helidon.dataReader();
        int received = 0;
        try {
            source.ensureAvailable();
            byte[] bytes = source.readBytes(source.available());
            received = bytes.length;
            return bytes;
        } catch (DataReader.InsufficientDataAvailableException e) {
            throw new CloseConnectionException("the client closed the connection", e);
        } catch (RuntimeException e) {
            if (clock.expired()) {
                // We closed the socket under this read: say so to Helidon as a plain close, not an I/O error.
                throw new CloseConnectionException("the client was too slow", e);
            }
            throw e;
        } finally {
            clock.afterRead(received);
        }
    }

    @Override
    public DataReader dataReader() {
        return reader;
    }

    @Override
    public DataWriter dataWriter() {
        return helidon.dataWriter();
    }

    @Override
    public HelidonSocket serverSocket() {
        return helidon.serverSocket();
    }

    @Override
    public ListenerContext listenerContext() {
        return helidon.listenerContext();
    }

    @Override
    public ExecutorService executor() {
        return helidon.executor();
    }

    @Override
    public Router router() {
        return helidon.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        return helidon.proxyProtocolData();
    }

    @Override
    public PeerInfo remotePeer() {
        return helidon.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return helidon.localPeer();
    }

    @Override
    public boolean isSecure() {
        return helidon.isSecure();
    }

    @Override
    public String socketId() {
        return helidon.socketId();
    }

    @Override
    public String childSocketId() {
        return helidon.childSocketId();
    }
}
