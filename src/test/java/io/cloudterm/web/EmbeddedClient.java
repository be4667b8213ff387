package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP against a Helidon application with CloudTerm mounted at {@code /term}, as its tests make it. */
final class EmbeddedClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return send(request.GET().build());
    }

    /** The terminal token {@code /term/token} hands the caller with {@code headers}. */
    String terminalToken(URI base, Map<String, String> headers) throws Exception {
        HttpResponse<String> response = get(base.resolve("term/token"), headers);
        assertEquals(200, response.statusCode(), response.body());
        Matcher m = Pattern.compile("\"token\":\"([^\"]*)\"").matcher(response.body());
        assertTrue(m.find(), response.body());
        return m.group(1);
    }
}
