package io.cloudterm.web;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Where a request's body ends, decided once, strictly, before anyone reads it (RFC 9112 section 6):
 * a body is framed by one {@code Content-Length} of digits only. Anything else that could be read
 * two ways, by us and by a proxy in front of us, is refused and the connection closed: a
 * {@code Transfer-Encoding} next to a {@code Content-Length} (request smuggling), a length with a
 * sign or several lengths, a transfer coding we do not know. Chunked bodies are refused with 411
 * (our forms are small and every browser sends their length), so no chunk size is ever parsed.
 *
 * <p>Bodies are small here (forms, JSON): more than {@link #SMALL_BODY_MAX} is refused with 413
 * before a byte of it is read, except on the requests that stream a body somewhere (an upload into
 * a terminal's directory), whose own handler bounds them.
 *
 * <p>Runs as Helidon's receive listener, right after the request line and the headers are parsed;
 * it also starts the connection's body clock.
 */
final class RequestFraming implements Http1ConnectionListener {

    private static final Pattern LENGTH = Pattern.compile("[0-9]{1,18}");

    /** The largest body of a request that does not stream one: login forms and API calls are far smaller. */
    static final long SMALL_BODY_MAX = 64 * 1024;

    private final BadRequests log;
    private final Predicate<HttpPrologue> streamsBody;

    /** {@code streamsBody}: the requests whose handler reads a large body as a stream and bounds it itself. */
    RequestFraming(BadRequests log, Predicate<HttpPrologue> streamsBody) {
        this.log = log;
        this.streamsBody = streamsBody;
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        if (ctx instanceof GuardedContext guarded) {
            guarded.streamedBody(streamsBody.test(prologue));
        }
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        String fault = fault(headers);
        if (fault != null) {
            log.refused(fault, ctx.remotePeer().host());
            Status status = fault.startsWith("chunked") ? Status.LENGTH_REQUIRED_411 : Status.BAD_REQUEST_400;
            throw RequestException.builder()
                    .type(DirectHandler.EventType.BAD_REQUEST)
                    .status(status)
                    .message(fault)
                    .safeMessage(true)
                    .setKeepAlive(false)
                    .build();
        }
        if (ctx instanceof GuardedContext guarded) {
            boolean hasBody = headers.contains(HeaderNames.CONTENT_LENGTH)
                    && !headers.get(HeaderNames.CONTENT_LENGTH).get().equals("0");
            if (hasBody && !guarded.streamedBody()
                    && Long.parseLong(headers.get(HeaderNames.CONTENT_LENGTH).get()) > SMALL_BODY_MAX) {
                throw RequestException.builder()
                        .type(DirectHandler.EventType.BAD_REQUEST)
                        .status(Status.REQUEST_ENTITY_TOO_LARGE_413)
                        .message("request bodies are at most " + SMALL_BODY_MAX + " bytes here")
                        .safeMessage(true)
                        .setKeepAlive(false)
                        .build();
            }
            boolean upgrade = !hasBody && headers.contains(HeaderNames.UPGRADE);
            // Helidon answers such a request with Connection: close, then waits for the next one: we close.
            guarded.clock().headersRead(hasBody, upgrade, headers.contains(HeaderValues.CONNECTION_CLOSE),
                    guarded.streamedBody());
        }
    }

    /** Why these headers frame no body unambiguously; null if they do. */
    static String fault(Headers headers) {
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            if (headers.contains(HeaderNames.CONTENT_LENGTH)) {
                return "both Content-Length and Transfer-Encoding";
            }
            List<String> codings = headers.get(HeaderNames.TRANSFER_ENCODING).allValues(true);
            if (codings.size() == 1 && codings.getFirst().trim().toLowerCase(Locale.ROOT).equals("chunked")) {
                return "chunked request bodies are not accepted: send a Content-Length";
            }
            return "unknown Transfer-Encoding";
        }
        if (headers.contains(HeaderNames.CONTENT_LENGTH)) {
            List<String> lengths = headers.get(HeaderNames.CONTENT_LENGTH).allValues();
            if (lengths.size() != 1 || !LENGTH.matcher(lengths.getFirst()).matches()) {
                return "Content-Length is not one number";
            }
        }
        return null;
    }
}
