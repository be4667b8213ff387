package io.cloudterm.bench.load;

import io.cloudterm.client.TtyClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a client opens a terminal and how it is let in: the WebSocket address, the upgrade's extra
 * headers (a session cookie) and JSON_DATA's AuthToken; for a {@code --no-auth} server, no header and
 * an empty token.
 */
record Entrance(URI ws, Map<String, String> headers, String token) {

    private static final Duration HTTP_LIMIT = Duration.ofSeconds(20);
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]*)\"");

    /** A {@code --no-auth} server's terminals. */
    static Entrance open(URI ws) {
        return new Entrance(ws, Map.of(), "");
    }

    /**
     * Logs in at {@code server} with its access token, as the page does with the login URL's
     * fragment (POST login: a session cookie), and fetches the AuthToken for JSON_DATA (GET token),
     * valid for a few minutes.
     */
    static Entrance login(ServerProcess server) throws IOException, InterruptedException {
        URI base = httpBase(server.ws());
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_LIMIT).build()) {
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(base.resolve("login")).timeout(HTTP_LIMIT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + server.accessToken(), StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String setCookie = login.headers().firstValue("Set-Cookie").orElse(null);
            if (login.statusCode() != 204 || setCookie == null) {
                throw new IllegalStateException("login at " + base + " answered " + login.statusCode() + " " + login.body());
            }
            String cookie = setCookie.substring(0, setCookie.indexOf(';') < 0 ? setCookie.length() : setCookie.indexOf(';'));
            return new Entrance(server.ws(), Map.of("Cookie", cookie), "").renewed();
        }
    }

    /**
     * A fresh AuthToken for the same session (GET token with its cookie), for a phase that starts
     * minutes after the login; a {@code --no-auth} entrance as it is.
     */
    Entrance renewed() throws IOException, InterruptedException {
        String cookie = headers.get("Cookie");
        if (cookie == null) {
            return this;
        }
        URI tokenAt = httpBase(ws).resolve("token");
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_LIMIT).build()) {
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(tokenAt).timeout(HTTP_LIMIT)
                    .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = TOKEN.matcher(token.body());
            if (token.statusCode() != 200 || !m.find()) {
                throw new IllegalStateException("GET " + tokenAt + " answered " + token.statusCode() + " " + token.body());
            }
            return new Entrance(ws, headers, m.group(1));
        }
    }

    /** {@code http://HOST:PORT/} of {@code ws://HOST:PORT/ws...}. */
    private static URI httpBase(URI ws) {
        return URI.create("http://" + ws.getRawAuthority() + "/");
    }

    /** The same entrance with {@code query} on the WebSocket's address (e.g. {@code arg=stream}). */
    Entrance withQuery(String query) {
        return new Entrance(URI.create(ws.toString().replaceFirst("\\?.*$", "") + "?" + query), headers, token);
    }

    /** A client builder for this address with these headers; {@link #handshake} once connected. */
    TtyClient.Builder client() {
        return TtyClient.builder(ws).headers(headers);
    }

    /** JSON_DATA at 80x24 with this entrance's token. */
    TtyClient handshake(TtyClient connected) {
        return connected.handshake(token, 80, 24);
    }
}
