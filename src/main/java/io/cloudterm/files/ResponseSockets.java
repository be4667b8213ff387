package io.cloudterm.files;

import io.cloudterm.io.SocketFds;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerResponse;
import java.lang.reflect.Field;
import java.util.OptionalInt;

/**
 * The socket fd under a Helidon 4.2 HTTP/1 response, where a body may be written on it directly.
 * No API leads from a response to its connection: {@code Http1ServerResponse} keeps its
 * {@code ConnectionContext} in a private field, read here by reflection (Helidon is on the class
 * path, so no {@code --add-opens} is needed for it; the fd itself needs those {@link SocketFds}
 * names). Where any of it is out of reach, {@link #whyNot} says so and no fd is offered.
 */
final class ResponseSockets {

    private static final Field CONTEXT;
    private static final Field STREAM_FILTER;
    private static final String WHY_NOT;

    static {
        Field context = null;
        Field filter = null;
        String whyNot = SocketFds.whyNot();
        try {
            Class<?> response = Class.forName("io.helidon.webserver.http1.Http1ServerResponse");
            context = response.getDeclaredField("ctx");
            context.setAccessible(true);
            filter = response.getDeclaredField("outputStreamFilter");
            filter.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            whyNot = "the connection of Helidon's HTTP/1 responses is out of reach (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); this Helidon is not the 4.2 this code reads";
        }
        CONTEXT = context;
        STREAM_FILTER = filter;
        WHY_NOT = whyNot;
    }

    private ResponseSockets() {
    }

    /** Null if fds of responses can be found; otherwise why not, for the log. */
    static String whyNot() {
        return WHY_NOT;
    }

    /**
     * The fd of the plain TCP socket under {@code response}, if bytes written on it right after
     * Helidon has sent the headers follow those headers on the wire: an HTTP/1 response (not
     * HTTP/2, not wrapped), not TLS, on a listener that writes directly (a write queue would send
     * the headers later, from another thread), with no stream filter (one would make Helidon
     * send the headers through its output stream, which sends them only at the end).
     */
    static OptionalInt of(ServerResponse response) {
        if (WHY_NOT != null || !CONTEXT.getDeclaringClass().isInstance(response)) {
            return OptionalInt.empty();
        }
        try {
            ConnectionContext ctx = (ConnectionContext) CONTEXT.get(response);
            if (ctx.isSecure() || ctx.listenerContext().config().writeQueueLength() > 1
                    || STREAM_FILTER.get(response) != null) {
                return OptionalInt.empty();
            }
            int fd = SocketFds.of(ctx.serverSocket());
            return fd < 0 ? OptionalInt.empty() : OptionalInt.of(fd);
        } catch (IllegalAccessException e) {
            return OptionalInt.empty();
        }
    }
}
