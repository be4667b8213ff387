package io.cloudterm.files;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Answers a GET or HEAD for a {@link Resource} with HTTP's rules, the same for every source of
 * resources (a directory, the page's assets in memory): which representation (by
 * {@code Accept-Encoding}; identity for a range, so that byte offsets mean the file's bytes),
 * its validators ({@code ETag}, {@code Last-Modified}), conditional requests (304, 412), one
 * byte range (206, 416), then the headers and the body through a {@link BodySender}.
 *
 * <p>Every response states its {@code Content-Length}. A body that fails once the status line may
 * have left (a file truncated or deleted while it is sent, a client gone) ends the connection:
 * the client sees a short body, never a wrong one, and the server goes on.
 */
public final class Responder {

    /** The methods a file answers. */
    public static final String ALLOW = "GET, HEAD";

    private static final HeaderName IF_RANGE = HeaderNames.create("If-Range");
    /** IMF-fixdate (RFC 9110 §5.6.7): two-digit day, English names, always GMT. */
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
    private static final List<String> NONE = List.of();

    private final BodySender sender;

    public Responder(BodySender sender) {
        this.sender = sender;
    }

    /** Answers {@code request} with {@code resource}. */
    public void respond(ServerRequest request, ServerResponse response, Resource resource) {
        Method method = request.prologue().method();
        if (!method.equals(Method.GET) && !method.equals(Method.HEAD)) {
            response.header(HeaderNames.ALLOW, ALLOW);
            response.status(Status.METHOD_NOT_ALLOWED_405).send();
            return;
        }
        ServerRequestHeaders headers = request.headers();
        // Range is defined for GET only (RFC 9110 §14.2): a HEAD describes the whole representation.
        Optional<String> range = method.equals(Method.GET) ? first(headers, HeaderNames.RANGE) : Optional.empty();
        Representation chosen = range.isPresent() ? resource.identity() : resource.encoded().isEmpty() ? resource.identity()
                : AcceptEncoding.parse(values(headers, HeaderNames.ACCEPT_ENCODING))
                        .choose(List.copyOf(resource.encoded().keySet()))
                        .map(resource.encoded()::get)
                        .orElse(resource.identity());
        validators(response, chosen, !resource.encoded().isEmpty());
        Conditionals conditionals = new Conditionals(values(headers, HeaderNames.IF_MATCH),
                first(headers, HeaderNames.IF_UNMODIFIED_SINCE), values(headers, HeaderNames.IF_NONE_MATCH),
                first(headers, HeaderNames.IF_MODIFIED_SINCE), first(headers, IF_RANGE));
        switch (conditionals.evaluate(chosen)) {
            case NOT_MODIFIED -> {
                response.status(Status.NOT_MODIFIED_304).send();
                return;
            }
            case PRECONDITION_FAILED -> {
                response.header(HeaderNames.CONTENT_LENGTH, "0");
                response.status(Status.PRECONDITION_FAILED_412).send();
                return;
            }
            case PROCEED -> {
            }
        }
        ByteRanges.Answer answer = range.isPresent() && conditionals.rangeApplies(chosen)
                ? ByteRanges.answer(range, chosen.length()) : new ByteRanges.Whole();
        long offset = 0;
        long length = chosen.length();
        switch (answer) {
            case ByteRanges.Unsatisfiable unsatisfiable -> {
                response.header(HeaderNames.CONTENT_RANGE, "bytes */" + chosen.length());
                response.header(HeaderNames.CONTENT_LENGTH, "0");
                response.status(Status.REQUESTED_RANGE_NOT_SATISFIABLE_416).send();
                return;
            }
            case ByteRanges.Part part -> {
                response.status(Status.PARTIAL_CONTENT_206);
                response.header(HeaderNames.CONTENT_RANGE, "bytes " + part.first() + "-" + part.last() + "/" + chosen.length());
                offset = part.first();
                length = part.length();
            }
            case ByteRanges.Whole whole -> response.status(Status.OK_200);
        }
        response.header(HeaderNames.CONTENT_TYPE, chosen.contentType());
        chosen.contentEncoding().ifPresent(coding -> response.header(HeaderNames.CONTENT_ENCODING, coding));
        response.header(HeaderNames.CONTENT_LENGTH, Long.toString(length));
        if (method.equals(Method.HEAD) || length == 0) {
            response.send();
            return;
        }
        try {
            sender.send(response, chosen.body(), offset, length);
        } catch (IOException | UncheckedIOException e) {
            // The head (and maybe part of the body) may be gone: no other answer can follow on this connection.
            throw new CloseConnectionException("the body of " + request.path().path() + " could not be sent: " + e.getMessage(),
                    e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e);
        }
    }

    /** The headers every answer about {@code chosen} carries, a 304 included (RFC 9110 §15.4.5). */
    private static void validators(ServerResponse response, Representation chosen, boolean varies) {
        response.header(HeaderNames.ETAG, chosen.etag());
        response.header(HeaderNames.LAST_MODIFIED, HTTP_DATE.format(chosen.lastModified()));
        response.header(HeaderNames.CACHE_CONTROL, chosen.cacheControl());
        response.header(HeaderNames.ACCEPT_RANGES, "bytes");
        response.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        if (varies) {
            // Another client, with another Accept-Encoding, gets other bytes under this URL: caches must know.
            response.header(HeaderNames.VARY, "Accept-Encoding");
        }
    }

    private static Optional<String> first(ServerRequestHeaders headers, HeaderName name) {
        return headers.contains(name) ? Optional.of(headers.get(name).get()) : Optional.empty();
    }

    private static List<String> values(ServerRequestHeaders headers, HeaderName name) {
        return headers.contains(name) ? headers.get(name).allValues() : NONE;
    }
}
