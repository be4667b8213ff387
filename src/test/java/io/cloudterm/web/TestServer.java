package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cloudterm.cli.CloudTerm;
import io.cloudterm.client.UpgradeRefusedException;
import io.cloudterm.terminal.Terminal;
import io.cloudterm.client.TtyClient;
import io.cloudterm.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real CloudTerm on a free loopback port, configured with the command line's own words. */
final class TestServer implements AutoCloseable {

    private final CloudTermServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private TestServer(CloudTermServer server) {
        this.server = server;
    }

    /** Starts a server with {@code --port 0} and the given options (and command after {@code --}). */
    static TestServer start(String... args) {
        return start(java.util.function.UnaryOperator.identity(), args);
    }

    /**
     * As {@link #start(String...)}, with the built configuration changed by {@code change} first:
     * for settings with no command-line option, such as timers a test would otherwise wait out.
     */
    static TestServer start(java.util.function.UnaryOperator<ServerConfig.Builder> change, String... args) {
        List<String> all = new ArrayList<>(List.of("--port", "0"));
        if (!Arrays.asList(args).contains("--keep-alive")) {
            // Most tests are about one connection and its child: ttyd's hang-up on disconnect.
            all.addAll(List.of("--keep-alive", "0"));
        }
        all.addAll(Arrays.asList(args));
        return new TestServer(CloudTermServer.start(change.apply(CloudTerm.configFrom(all.toArray(String[]::new)).toBuilder()).build()));
    }

    static TestServer start(ServerConfig config) {
        return new TestServer(CloudTermServer.start(config));
    }

    CloudTermServer server() {
        return server;
    }

    URI url(String path) {
        return server.url().resolve(path);
    }

    URI ws() {
        return URI.create(server.url().toString().replaceFirst("^http", "ws") + "ws");
    }

    HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return send(request.GET().build());
    }

    HttpResponse<String> delete(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return send(request.DELETE().build());
    }

    HttpResponse<String> post(String path, String form, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded");
        headers.forEach(request::header);
        return send(request.POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8)).build());
    }

    /** Logs in with the access token and returns the Cookie header value of the new session. */
    String login() {
        HttpResponse<String> response = post("login", "token=" + server.accessToken().orElseThrow(), Map.of());
        if (response.statusCode() != 204) {
            throw new AssertionError("login failed: " + response.statusCode() + " " + response.body());
        }
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** Logs {@code user} in with the login form; returns the session's Cookie header value. */
    String login(String user, String password) {
        HttpResponse<String> response = post("login", "user=" + user + "&password=" + password + "&next=", Map.of());
        String setCookie = response.headers().firstValue("Set-Cookie")
                .orElseThrow(() -> new AssertionError("login of " + user + " answered " + response.statusCode()));
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** The AuthToken for JSON_DATA, fetched from /token with these headers. */
    String terminalToken(Map<String, String> headers) {
        HttpResponse<String> response = get("token", headers);
        if (response.statusCode() != 200) {
            throw new AssertionError("/token answered " + response.statusCode() + " " + response.body());
        }
        Matcher m = Pattern.compile("\"token\":\"([^\"]*)\"").matcher(response.body());
        if (!m.find()) {
            throw new AssertionError("no token in " + response.body());
        }
        return m.group(1);
    }

    /** A client that has sent JSON_DATA at the given size on a --no-auth server. */
    TtyClient open(int columns, int rows) {
        return TtyClient.connect(ws(), Map.of()).handshake("", columns, rows);
    }

    /** The owner (by {@code cookie}) makes a share link to {@code handle}; returns its token. */
    String shareToken(String handle, String cookie, String access) {
        HttpResponse<String> response = post("api/terminals/" + handle + "/shares", "access=" + access, Map.of("Cookie", cookie));
        if (response.statusCode() != 201) {
            throw new AssertionError("sharing answered " + response.statusCode() + " " + response.body());
        }
        Matcher m = Pattern.compile("\"token\":\"([^\"]*)\"").matcher(response.body());
        if (!m.find()) {
            throw new AssertionError("no token in " + response.body());
        }
        return m.group(1);
    }

    /** Another user (by {@code cookie}) joins terminal {@code handle} through share link {@code share}. */
    TtyClient joinShared(String handle, String cookie, String share) {
        return TtyClient.connect(URI.create(ws() + "?t=" + handle), Map.of("Cookie", cookie))
                .send("{\"AuthToken\":\"" + terminalToken(Map.of("Cookie", cookie)) + "\",\"columns\":80,\"rows\":24,"
                        + "\"share\":\"" + share + "\"}");
    }

    /** The one terminal this server runs (fails if there is none or more than one). */
    Terminal onlyTerminal() {
        List<Terminal> terminals = server.terminals();
        assertEquals(1, terminals.size(), "terminals: " + terminals);
        return terminals.get(0);
    }

    /** Waits (bounded) until every terminal has ended. */
    void awaitNoTerminals() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertEquals(List.of(), server.terminals(), "terminals still alive"));
    }

    /** The HTTP status that refuses a WebSocket upgrade with {@code headers} (fails if it is not refused). */
    int upgradeStatus(Map<String, String> headers) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> TtyClient.connect(ws(), headers));
        if (e.getCause() instanceof UpgradeRefusedException refused) {
            return refused.status();
        }
        throw new AssertionError("expected a refused handshake", e);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
