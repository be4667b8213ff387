package io.cloudterm.gateway;

import io.cloudterm.auth.GatewayIdentity;
import io.cloudterm.auth.IdentitySigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The gateway's plain HTTP calls to a host's API on a user's behalf (listing, ending and sharing
 * terminals), each with a fresh signed identity: the host has no other way to know who asks.
 */
public final class HostCalls {

    /** The host's answer as it came: status, content type (empty if none), body. */
    public record Answer(int status, String contentType, byte[] body) {
    }

    private final IdentitySigner signer;
    private final Duration timeout;
    private final HttpClient http;

    public HostCalls(IdentitySigner signer, Duration timeout) {
        this.signer = signer;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * {@code method} {@code target} on {@code host} for {@code user}, for a file going either way:
     * {@code body} (of {@code length} bytes; -1 for none) streams up as it is read, and the
     * answer's body streams back as the caller reads it, so that the gateway never holds a file.
     * Only connecting is bounded in time: a large file takes as long as its bytes take. The
     * caller closes the answer's body.
     */
    public HttpResponse<java.io.InputStream> stream(HostAddress host, String user, String method, String target,
                                                    java.util.Map<String, String> headers, java.io.InputStream body,
                                                    long length) throws IOException {
        HttpRequest.BodyPublisher publisher = length < 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), length);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + target))
                .header(GatewayIdentity.HEADER, signer.sign(user, "", host.toString()))
                .method(method, publisher);
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * {@code method} {@code target} (path and query) on {@code host} for {@code user}, with a form
     * {@code body} (empty for none). Throws if the host cannot be reached or does not answer in time.
     */
    public Answer call(HostAddress host, String user, String method, String target, String body) throws IOException {
        HttpRequest.BodyPublisher publisher = body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + target)).timeout(timeout)
                .header(GatewayIdentity.HEADER, signer.sign(user, "", host.toString()))
                .method(method, publisher);
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
