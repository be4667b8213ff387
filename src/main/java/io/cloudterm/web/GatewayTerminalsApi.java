package io.cloudterm.web;

import io.cloudterm.gateway.Gateway;
import io.cloudterm.gateway.HostAddress;
import io.cloudterm.gateway.HostCalls;
import io.cloudterm.gateway.HostHandles;
import io.cloudterm.protocol.JsonFactories;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The terminals API at a gateway, the same paths as on a server of its own: the user's terminals
 * on every host, each named by its host ({@code "host"}, and in its handle); a terminal's own
 * calls (end it, share it, move files in and out of it) go to the host its handle names. A host that does not answer is listed
 * under {@code "unreachable"}, so the page can say its terminals are missing, not gone.
 */
final class GatewayTerminalsApi implements HttpService {

    private static final Logger LOG = Logger.getLogger(GatewayTerminalsApi.class.getName());

    /** What a download's answer says about the file, passed on as the host said it. */
    private static final List<HeaderName> RELAYED_ANSWER_HEADERS = List.of(HeaderNames.CONTENT_TYPE, HeaderNames.CONTENT_LENGTH,
            HeaderNames.CONTENT_DISPOSITION, HeaderNames.CONTENT_RANGE, HeaderNames.ACCEPT_RANGES, HeaderNames.ETAG,
            HeaderNames.LAST_MODIFIED);
    /** What a client may ask of a download (a range of it, or only if it changed), passed on to the host. */
    private static final List<HeaderName> FORWARDED_CONDITIONS = List.of(HeaderNames.RANGE, HeaderNames.IF_RANGE,
            HeaderNames.IF_NONE_MATCH, HeaderNames.IF_MODIFIED_SINCE);

    private final Gateway gateway;
    /** Why this gateway relays no files; null when it does. */
    private final String transferOff;

    GatewayTerminalsApi(Gateway gateway, String transferOff) {
        this.gateway = gateway;
        this.transferOff = transferOff;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/terminals", (request, response) -> gathered(request, response, "/api/terminals", "terminals"))
                .post("/api/terminals", this::create)
                .get("/api/recordings", (request, response) -> gathered(request, response, "/api/recordings", "recordings"))
                .delete("/api/terminals/{handle}", this::forward)
                .get("/api/terminals/{handle}/glance", this::forward)
                .get("/api/terminals/{handle}/shares", this::forward)
                .post("/api/terminals/{handle}/shares", this::forward)
                .delete("/api/terminals/{handle}/shares/{id}", this::forward)
                // A recording may be many MB: streamed, as files are.
                .get("/api/recordings/{handle}", (request, response) -> streamed(request, response, false))
                .get("/api/terminals/{handle}/files", this::transfer)
                .head("/api/terminals/{handle}/files", this::transfer)
                // As on a host: any rest of the path, the host judges the name.
                .put("/api/terminals/{handle}/files/{:(?s:.*)}", this::transfer);
    }

    /**
     * A file going to or coming from the terminal's host (an upload, a download, a range of one):
     * streamed both ways, so that the gateway holds no file whatever its size; the host decides
     * everything else (who may, the limit, the name) as it does for its own clients. A gateway
     * whose own operator turned transfer off (or made it read-only) says so itself.
     */
    private void transfer(ServerRequest request, ServerResponse response) {
        streamed(request, response, true);
    }

    /** A call about one terminal whose body goes through as it comes, either way (see {@link #transfer}). */
    private void streamed(ServerRequest request, ServerResponse response, boolean fileTransfer) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        boolean upload = request.prologue().method() == Method.PUT;
        if (upload) {
            // Any answer but a relayed upload leaves the body unread: end the connection rather than read it for nothing.
            response.header(HeaderValues.CONNECTION_CLOSE);
        }
        if (fileTransfer && transferOff != null) {
            response.status(Status.FORBIDDEN_403).send(transferOff);
            return;
        }
        Optional<Asked> asked = asked(request, response);
        if (asked.isEmpty()) {
            return;
        }
        String user = asked.get().user();
        String handle = asked.get().handle();
        HostAddress host = asked.get().host();
        long length = upload ? request.headers().contentLength().orElse(-1L) : -1L;
        if (upload && length < 0) {
            response.status(Status.LENGTH_REQUIRED_411).send("an upload needs a Content-Length");
            return;
        }
        String rawPath = request.path().rawPath();
        String query = request.query().rawValue();
        String target = rawPath.substring(rawPath.indexOf("/api/")).replace(handle, HostHandles.bare(handle))
                + (query.isEmpty() ? "" : "?" + query);
        Map<String, String> conditions = new HashMap<>();
        for (HeaderName name : FORWARDED_CONDITIONS) {
            request.headers().first(name).ifPresent(value -> conditions.put(name.defaultCase(), value));
        }
        HttpResponse<InputStream> answer;
        try {
            answer = gateway.calls().stream(host, user, request.prologue().method().text(), target, conditions,
                    upload ? request.content().inputStream() : InputStream.nullInputStream(), length);
        } catch (IOException e) {
            response.status(Status.BAD_GATEWAY_502).send("the terminal's host " + host + " did not answer: " + e.getMessage());
            return;
        }
        try (InputStream body = answer.body()) {
            response.status(Status.create(answer.statusCode()));
            for (HeaderName name : RELAYED_ANSWER_HEADERS) {
                answer.headers().firstValue(name.defaultCase()).ifPresent(value -> response.header(name, value));
            }
            if (request.prologue().method() == Method.HEAD) {
                response.send();
                return;
            }
            try (OutputStream out = response.outputStream()) {
                body.transferTo(out);
            }
        } catch (IOException e) {
            // The client or the host went away mid-file: nothing to answer any more.
            LOG.log(Level.FINE, "a file through the gateway was cut off", e);
        }
    }

    /** Asks every host at once for the user's {@code field} list and joins the answers. */
    private void gathered(ServerRequest request, ServerResponse response, String target, String field) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        Optional<String> user = user(request, response);
        if (user.isEmpty()) {
            return;
        }
        List<HostAddress> hosts = gateway.hosts();
        JsonArrayBuilder all = JsonFactories.BUILDERS.createArrayBuilder();
        JsonArrayBuilder unreachable = JsonFactories.BUILDERS.createArrayBuilder();
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HostCalls.Answer>> answers = new ArrayList<>();
            for (HostAddress host : hosts) {
                Callable<HostCalls.Answer> call = () -> gateway.calls().call(host, user.get(), "GET", target, "");
                answers.add(calls.submit(call));
            }
            for (int i = 0; i < hosts.size(); i++) {
                HostAddress host = hosts.get(i);
                try {
                    HostCalls.Answer answer = answers.get(i).get();
                    if (answer.status() != 200) {
                        throw new IOException("answered " + answer.status());
                    }
                    for (JsonValue item : json(answer.body()).getJsonArray(field)) {
                        JsonObject entry = item.asJsonObject();
                        all.add(JsonFactories.BUILDERS.createObjectBuilder(entry)
                                .add("terminal", HostHandles.named(host.toString(), entry.getString("terminal")))
                                .add("host", host.toString()));
                    }
                } catch (ExecutionException | IOException | RuntimeException e) {
                    LOG.log(Level.FINE, "host " + host + " did not list " + field, e);
                    unreachable.add(host.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    response.status(Status.SERVICE_UNAVAILABLE_503).send("interrupted");
                    return;
                }
            }
        }
        response.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        response.send(JsonFactories.BUILDERS.createObjectBuilder().add(field, all).add("unreachable", unreachable).build().toString());
    }

    /** A terminal with nobody attached, on the host the user's new terminals go to (the next if it is down). */
    private void create(ServerRequest request, ServerResponse response) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        Optional<String> user = user(request, response);
        if (user.isEmpty()) {
            return;
        }
        String body = request.content().hasEntity() ? request.content().as(String.class) : "";
        List<String> failures = new ArrayList<>();
        for (HostAddress host : gateway.placementOf(user.get())) {
            try {
                HostCalls.Answer answer = gateway.calls().call(host, user.get(), "POST", "/api/terminals", body);
                if (answer.status() == 503) {
                    failures.add(host + " is full");
                    continue;
                }
                relay(response, host, answer, json(answer.body()).getString("terminal", null));
                return;
            } catch (IOException | RuntimeException e) {
                failures.add(host + " unreachable (" + e.getMessage() + ")");
            }
        }
        response.status(Status.SERVICE_UNAVAILABLE_503).send(failures.isEmpty() ? "no hosts are known now"
                : "no host could open the terminal: " + String.join("; ", failures));
    }

    /** A call about one terminal, to the host its handle names, with the host's own handle. */
    private void forward(ServerRequest request, ServerResponse response) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        Optional<Asked> asked = asked(request, response);
        if (asked.isEmpty()) {
            return;
        }
        String user = asked.get().user();
        String handle = asked.get().handle();
        HostAddress host = asked.get().host();
        String bare = HostHandles.bare(handle);
        String target = request.path().rawPath().substring(request.path().rawPath().indexOf("/api/")).replace(handle, bare);
        String body = request.content().hasEntity() ? request.content().as(String.class) : "";
        try {
            relay(response, host, gateway.calls().call(host, user, request.prologue().method().text(), target, body),
                    bare);
        } catch (IOException e) {
            response.status(Status.BAD_GATEWAY_502).send("the terminal's host " + host + " did not answer: " + e.getMessage());
        }
    }

    /** The host's answer, with its own handle named after it wherever the answer mentions it. */
    private static void relay(ServerResponse response, HostAddress host, HostCalls.Answer answer, String bareHandle) {
        response.status(Status.create(answer.status()));
        if (!answer.contentType().isEmpty()) {
            response.headers().contentType(MediaTypes.create(answer.contentType().split(";")[0].trim()));
            if (answer.contentType().toLowerCase(java.util.Locale.ROOT).contains("json")) {
                response.headers().contentType(HttpMediaTypes.JSON_UTF_8);
            }
        }
        byte[] body = answer.body();
        if (bareHandle != null && answer.contentType().contains("json")) {
            body = new String(body, StandardCharsets.UTF_8).replace(bareHandle, HostHandles.named(host.toString(), bareHandle))
                    .getBytes(StandardCharsets.UTF_8);
        }
        response.send(body);
    }

    /** Who asks about which terminal, on which host. */
    private record Asked(String user, String handle, HostAddress host) {
    }

    /** The caller and the terminal's host, if the caller is signed in and the handle names a host known now; else answered. */
    private Optional<Asked> asked(ServerRequest request, ServerResponse response) {
        Optional<String> user = user(request, response);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        String handle = request.path().pathParameters().first("handle").orElse("");
        Optional<HostAddress> host = gateway.hostOf(handle);
        if (host.isEmpty()) {
            response.status(Status.NOT_FOUND_404).send("no such terminal: it has ended, or it is not yours");
            return Optional.empty();
        }
        return Optional.of(new Asked(user.get(), handle, host.get()));
    }

    private static JsonObject json(byte[] body) {
        try (JsonReader reader = JsonFactories.READERS.createReader(new ByteArrayInputStream(body))) {
            return reader.readObject();
        }
    }

    private static Optional<String> user(ServerRequest request, ServerResponse response) {
        // AuthFilter decided (API_READ or API_CHANGE) and let this request in for its user.
        Optional<io.cloudterm.auth.Authentication.Known> who = AuthFilter.who(request);
        if (who.isEmpty()) {
            response.status(Status.UNAUTHORIZED_401).send("authentication required");
            return Optional.empty();
        }
        return Optional.of(who.get().principal().name());
    }
}
