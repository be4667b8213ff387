package io.cloudterm.web;

import io.cloudterm.protocol.JsonFactories;
import io.cloudterm.recording.Recordings;
import io.cloudterm.terminal.Shares;
import io.cloudterm.terminal.Terminal;
import io.cloudterm.terminal.TerminalLauncher;
import io.cloudterm.terminal.Terminals;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code <base>/api/terminals}: the caller's own terminals as JSON (for the terminals page and for
 * scripts), each with the program in its foreground and that program's directory when the system
 * tells them; {@code GET <base>/api/terminals/<handle>/glance}, its last lines as plain text; and
 * {@code DELETE <base>/api/terminals/<handle>} to end one. Nobody sees or ends another user's
 * terminals: those answer as if they did not exist.
 */
final class TerminalsApi implements HttpService {

    /** Lines in a glance, and the most recent output read for them: a glance is cheap whatever a terminal printed. */
    private static final int GLANCE_LINES = 4;
    private static final int GLANCE_BYTES = 16 * 1024;

    private final TerminalLauncher launcher;
    private final ErrorPages pages;

    TerminalsApi(TerminalLauncher launcher, ErrorPages pages) {
        this.launcher = launcher;
        this.pages = pages;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/terminals", this::list)
                .post("/api/terminals", this::create)
                .delete("/api/terminals/{handle}", this::end)
                .get("/api/terminals/{handle}/glance", this::glance)
                .get("/api/terminals/{handle}/shares", this::shares)
                .post("/api/terminals/{handle}/shares", this::share)
                .delete("/api/terminals/{handle}/shares/{id}", this::revoke)
                .get("/api/recordings", this::recordings)
                .get("/api/recordings/{handle}", this::download);
    }

    private void list(ServerRequest request, ServerResponse response) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        Optional<Caller> caller = caller(request, response);
        if (caller.isEmpty()) {
            return;
        }
        JsonArrayBuilder terminals = JsonFactories.BUILDERS.createArrayBuilder();
        String command = launcher.commandLine();
        String home = launcher.home(); // the page shows directories under it as ~
        for (Terminals.Live live : launcher.terminals().ownedBy(caller.get().principal().name())) {
            Terminal terminal = live.terminal();
            JsonObjectBuilder entry = JsonFactories.BUILDERS.createObjectBuilder()
                    .add("terminal", live.handle())
                    .add("title", terminal.title())
                    .add("command", command)
                    .add("started", terminal.startedAt().toString())
                    .add("lastOutput", Instant.ofEpochMilli(terminal.lastOutputMillis()).toString())
                    .add("clients", terminal.attachedClients());
            if (terminal.size() != null) {
                entry.add("columns", terminal.size().columns()).add("rows", terminal.size().rows());
            }
            // What runs there and where: what tells one terminal from another in a list.
            terminal.foreground().ifPresent(foreground -> {
                entry.add("program", foreground.program());
                foreground.directory().ifPresent(directory -> entry.add("directory", directory.toString()).add("home", home));
            });
            long detached = terminal.detachedAtMillis();
            if (detached >= 0) {
                entry.add("detachedSince", Instant.ofEpochMilli(detached).toString());
            }
            terminals.add(entry);
        }
        response.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        response.send(JsonFactories.BUILDERS.createObjectBuilder().add("terminals", terminals).build().toString());
    }

    /**
     * Starts a terminal with nobody attached, for scripts: form fields {@code columns} and
     * {@code rows} (80x24 by default). It waits for a client (its output held) for the keep-alive.
     */
    private void create(ServerRequest request, ServerResponse response) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        Optional<Caller> caller = caller(request, response);
        if (caller.isEmpty()) {
            return;
        }
        String body = request.content().hasEntity() ? request.content().as(String.class) : "";
        io.helidon.common.uri.UriQuery form = io.helidon.common.uri.UriQuery.create(body);
        io.cloudterm.protocol.TerminalSize size;
        try {
            size = io.cloudterm.protocol.TerminalSize.clamped(Long.parseLong(form.first("columns").orElse("80")),
                    Long.parseLong(form.first("rows").orElse("24")));
        } catch (NumberFormatException e) {
            response.status(Status.BAD_REQUEST_400).send("columns and rows must be whole numbers");
            return;
        }
        Terminals.Live live;
        try {
            live = launcher.start(size, java.util.List.of(), caller.get().principal().name());
        } catch (Terminals.LimitReached e) {
            response.status(Status.TOO_MANY_REQUESTS_429).send(e.getMessage());
            return;
        } catch (Terminals.CannotStart e) {
            response.status(Status.INTERNAL_SERVER_ERROR_500).send(e.getMessage());
            return;
        }
        Terminal terminal = live.terminal();
        String user = caller.get().principal().name();
        Audit.terminalStarted(terminal, user, caller.get().address(), size);
        terminal.awaitFirstClient();
        response.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        response.status(Status.CREATED_201).send(JsonFactories.BUILDERS.createObjectBuilder().add("terminal", live.handle())
                .add("link", "./?t=" + live.handle()).build().toString());
    }

    /** Who is asking, and from where. */
    private record Caller(io.cloudterm.auth.Principal principal, String address) {
    }

    /**
     * The caller {@link AuthFilter} let in, or an answer saying why not (then empty). Requests that
     * change something were also checked to come from our own pages (Origin) there.
     */
    private Optional<Caller> caller(ServerRequest request, ServerResponse response) {
        // AuthFilter decided (RequestAuth.Purpose.API_READ or API_CHANGE) and let this request in for its user.
        Optional<io.cloudterm.auth.Authentication.Known> who = AuthFilter.who(request);
        if (who.isEmpty()) {
            response.status(Status.UNAUTHORIZED_401).send("authentication required");
            return Optional.empty();
        }
        return Optional.of(new Caller(who.get().principal(), Peer.of(request.remotePeer()).address()));
    }

    /** The caller's own terminal named in the path, or an answer saying why not (then empty). */
    private Optional<Terminals.Live> owned(ServerRequest request, ServerResponse response) {
        Optional<Caller> caller = caller(request, response);
        if (caller.isEmpty()) {
            return Optional.empty();
        }
        String handle = request.path().pathParameters().first("handle").orElse("");
        Optional<Terminals.Live> live = launcher.terminals().find(handle, caller.get().principal().name());
        if (live.isEmpty()) {
            pages.send(request.headers(), response, Status.NOT_FOUND_404, "no such terminal: it has ended, or it is not yours",
                    pages.noSuchTerminal());
        }
        return live;
    }

    private void shares(ServerRequest request, ServerResponse response) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        owned(request, response).ifPresent(live -> {
            JsonArrayBuilder list = JsonFactories.BUILDERS.createArrayBuilder();
            live.shares().list().forEach(s -> list.add(JsonFactories.BUILDERS.createObjectBuilder().add("id", s.id())
                    .add("control", s.control()).add("signedInOnly", s.signedInOnly())));
            response.headers().contentType(HttpMediaTypes.JSON_UTF_8);
            response.send(JsonFactories.BUILDERS.createObjectBuilder().add("shares", list).build().toString());
        });
    }

    /**
     * A new share link: {@code access=view} (read-only, the default) or {@code access=control}. A
     * view link made with {@code signedInOnly=false} lets anyone who holds it watch, without a login
     * (the terminals page makes these unless its owner ticks "signed-in users only"); left out, it
     * is {@code true}, as links made through the API always were, so that a script written before
     * does not start handing out links that need no login. A control link always needs its holder
     * logged in. The token is in the answer once, and in the link's fragment, which browsers never send.
     */
    private void share(ServerRequest request, ServerResponse response) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        Optional<Terminals.Live> owned = owned(request, response);
        if (owned.isEmpty()) {
            return;
        }
        String body = request.content().hasEntity() ? request.content().as(String.class) : "";
        String access = io.helidon.common.uri.UriQuery.create(body).first("access").orElse("view");
        if (!access.equals("view") && !access.equals("control")) {
            response.status(Status.BAD_REQUEST_400).send("access must be view or control");
            return;
        }
        String signedInOnly = io.helidon.common.uri.UriQuery.create(body).first("signedInOnly").orElse("true");
        if (!signedInOnly.equals("true") && !signedInOnly.equals("false")) {
            response.status(Status.BAD_REQUEST_400).send("signedInOnly must be true or false");
            return;
        }
        Shares.Created created = owned.get().shares().create(access.equals("control"), signedInOnly.equals("true"));
        response.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        response.status(Status.CREATED_201).send(JsonFactories.BUILDERS.createObjectBuilder()
                .add("id", created.share().id())
                .add("control", created.share().control())
                .add("signedInOnly", created.share().signedInOnly())
                .add("token", created.token())
                .add("link", "./?t=" + owned.get().handle() + "#share=" + created.token())
                .build().toString());
    }

    private void revoke(ServerRequest request, ServerResponse response) {
        owned(request, response).ifPresent(live -> {
            String id = request.path().pathParameters().first("id").orElse("");
            if (live.shares().revoke(id)) {
                response.status(Status.NO_CONTENT_204).send();
            } else {
                response.status(Status.NOT_FOUND_404).send("no such share");
            }
        });
    }

    /** The caller's recordings in the --record directory, this run's and earlier runs' (kept after their terminals end). */
    private void recordings(ServerRequest request, ServerResponse response) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        Optional<Caller> caller = caller(request, response);
        if (caller.isEmpty()) {
            return;
        }
        JsonArrayBuilder list = JsonFactories.BUILDERS.createArrayBuilder();
        for (Recordings.Recorded r : launcher.recordings().map(all -> all.of(caller.get().principal().name())).orElse(List.of())) {
            long size;
            try {
                size = java.nio.file.Files.size(r.file());
            } catch (java.io.IOException e) {
                continue; // deleted by the operator: nothing to offer
            }
            list.add(JsonFactories.BUILDERS.createObjectBuilder().add("terminal", r.handle()).add("file", r.file().getFileName().toString())
                    .add("started", r.started().toString()).add("bytes", size));
        }
        response.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        response.send(JsonFactories.BUILDERS.createObjectBuilder().add("recordings", list).build().toString());
    }

    /** The asciicast file itself, to its owner only, as a download. */
    private void download(ServerRequest request, ServerResponse response) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        Optional<Caller> caller = caller(request, response);
        if (caller.isEmpty()) {
            return;
        }
        String handle = request.path().pathParameters().first("handle").orElse("");
        Optional<Recordings.Recorded> recorded = launcher.recordings().flatMap(all -> all.find(handle, caller.get().principal().name()));
        if (recorded.isEmpty() || !java.nio.file.Files.isReadable(recorded.get().file())) {
            response.status(Status.NOT_FOUND_404).send("no such recording");
            return;
        }
        response.headers().contentType(io.helidon.common.media.type.MediaTypes.create("application/x-asciicast"));
        response.header(HeaderValues.create(HeaderNames.CONTENT_DISPOSITION,
                "attachment; filename=\"" + recorded.get().file().getFileName() + "\""));
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(recorded.get().file());
             java.io.OutputStream out = response.outputStream()) {
            in.transferTo(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The last lines of a terminal's recent output as plain text, to its owner: a glance at what it shows. */
    private void glance(ServerRequest request, ServerResponse response) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        owned(request, response).ifPresent(live -> {
            response.headers().contentType(HttpMediaTypes.PLAINTEXT_UTF_8);
            response.send(String.join("\n", live.terminal().lastLines(GLANCE_LINES, GLANCE_BYTES)));
        });
    }

    private void end(ServerRequest request, ServerResponse response) {
        owned(request, response).ifPresent(live -> {
            Audit.terminalEndedByRequest(live.terminal().id(), live.owner(), Peer.of(request.remotePeer()).address());
            live.terminal().hangUp();
            response.status(Status.NO_CONTENT_204).send();
        });
    }
}
