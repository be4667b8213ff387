package io.cloudterm.web;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a request's body ends, decided once, strictly, before anyone reads it (RFC 9112 section 6):
 * a body is framed by one {@code Content-Length} of digits only. Anything else that could be read
 * two ways, by us and by a proxy in front of us, is refused and the connection closed: a
 * {@code Transfer-Encoding} next to a {@code Content-Length} (request smuggling), a length with a
 * sign or several lengths, a transfer coding we do not know. Chunked bodies are refused with 411
 * (our forms are small and every browser sends their length), so no chunk size is ever parsed.
 *
 * <p>Runs as Helidon's receive listener, right after the headers are parsed; it also starts the
 * connection's body clock.
 */
final class RequestFraming implements Http1ConnectionListener {

    private static final Pattern LENGTH = Pattern.compile("[0-9]{1,18}");

    private final BadRequests log;

    RequestFraming(BadRequests log) {
        this.log = log;
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
            boolean upgrade = !hasBody && headers.contains(HeaderNames.UPGRADE);
            // Helidon answers such a request with Connection: close, then waits for the next one: we close.
            guarded.clock().headersRead(hasBody, upgrade, headers.contains(HeaderValues.CONNECTION_CLOSE));
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
