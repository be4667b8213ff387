package io.cloudterm.web;

import io.cloudterm.config.ServerConfig;
import io.cloudterm.files.FileResources;
import io.cloudterm.files.Responder;
import io.cloudterm.protocol.JsonFactories;
import io.cloudterm.terminal.TerminalLauncher;
import io.cloudterm.terminal.Terminals;
import io.cloudterm.transfer.DownloadFile;
import io.cloudterm.transfer.TerminalDirectory;
import io.cloudterm.transfer.Upload;
import io.cloudterm.transfer.UploadName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObjectBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Files in and out of a terminal, for its owner and for whoever is in control of it right now
 * through a control link (attached, the link not revoked: see {@link Terminals#controlledBy});
 * anyone else, a viewer too, is told the terminal does not exist:
 * <ul>
 * <li>{@code PUT <base>/api/terminals/<handle>/files/<name>[?overwrite=1]}: the body becomes the
 * file {@code name} in the terminal's current directory (201); 409 if the name is taken and
 * {@code overwrite=1} was not given, 413 over the upload limit, 400 for a name that is not one
 * plain file name.</li>
 * <li>{@code GET|HEAD <base>/api/terminals/<handle>/files?path=/abs/file}: the file as a
 * download ({@code Content-Disposition: attachment}), with ranges, sent as the shared files are.</li>
 * <li>{@code GET <base>/api/terminals/<handle>/files}: where uploads land now and the limit, as JSON.</li>
 * </ul>
 * Off (403, with the reason) when the server is read-only or its operator turned transfer off.
 */
final class TransferApi implements HttpService {

    private static final Logger LOG = Logger.getLogger(TransferApi.class.getName());
    private static final String FILES = "/files/";

    private final TerminalLauncher launcher;
    private final long uploadMax;
    /** Why transfer is off on this server; null when it is on. */
    private final String off;
    private final Responder responder;

    TransferApi(TerminalLauncher launcher, ServerConfig config, Responder responder) {
        this.launcher = launcher;
        this.uploadMax = config.transfer().uploadMax();
        this.off = whyOff(config);
        this.responder = responder;
    }

    /** Why this server moves no files through the page; null when it does. */
    static String whyOff(ServerConfig config) {
        if (!config.transfer().enabled()) {
            return "file transfer is turned off on this server";
        }
        if (config.readonly()) {
            return "file transfer is off: this server is read-only";
        }
        return null;
    }

    /** The requests that carry an upload's body: only they may send more than a form's worth. */
    static Predicate<HttpPrologue> uploads(String base) {
        Pattern upload = Pattern.compile(Pattern.quote(base) + "/api/terminals/[^/]+/files/[^/]*");
        return prologue -> prologue.method() == Method.PUT && upload.matcher(prologue.uriPath().rawPath()).matches();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/terminals/{handle}/files", this::download)
                .head("/api/terminals/{handle}/files", this::download)
                // Any rest, control characters included (Helidon's * stops at a line break): the name is judged by UploadName.
                .put("/api/terminals/{handle}/files/{:(?s:.*)}", this::upload);
    }

    /** The terminal and who asks (its owner, or a guest in control of it), from where. */
    private record Owned(Terminals.Live live, String user, String address) {
    }

    /** A terminal the caller owns or controls now, with transfer on; or the answer saying why not (then empty). */
    private Optional<Owned> owned(ServerRequest request, ServerResponse response) {
        response.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        if (request.prologue().method() == Method.PUT) {
            // Every answer but a stored upload leaves the body unread: end the connection rather than read it for nothing.
            response.header(HeaderValues.CONNECTION_CLOSE);
        }
        if (off != null) {
            response.status(Status.FORBIDDEN_403).send(off);
            return Optional.empty();
        }
        // AuthFilter decided (API_READ, or API_CHANGE with the Origin check for a PUT) and let this request in for its user.
        Optional<io.cloudterm.auth.Authentication.Known> who = AuthFilter.who(request);
        if (who.isEmpty()) {
            response.status(Status.UNAUTHORIZED_401).send("authentication required");
            return Optional.empty();
        }
        String user = who.get().principal().name();
        String handle = request.path().pathParameters().first("handle").orElse("");
        Optional<Terminals.Live> live = launcher.terminals().controlledBy(handle, user);
        if (live.isEmpty()) {
            response.status(Status.NOT_FOUND_404).send("no such terminal: it has ended, or you are not in control of it");
            return Optional.empty();
        }
        return Optional.of(new Owned(live.get(), user, Peer.of(request.remotePeer()).address()));
    }

    private void upload(ServerRequest request, ServerResponse response) {
        Optional<Owned> owned = owned(request, response);
        if (owned.isEmpty()) {
            return;
        }
        long terminal = owned.get().live().terminal().id();
        UploadName name;
        try {
            String raw = request.path().rawPath();
            name = UploadName.of(decode(raw.substring(raw.lastIndexOf(FILES) + FILES.length())));
        } catch (UploadName.Refused | CharacterCodingException | IllegalArgumentException e) {
            String why = e instanceof UploadName.Refused ? e.getMessage() : "the file name is not valid percent-encoded UTF-8";
            refuse(response, owned.get(), "upload", Status.BAD_REQUEST_400, why);
            return;
        }
        boolean overwrite = request.query().first("overwrite").map("1"::equals).orElse(false);
        Optional<Path> directory = TerminalDirectory.of(owned.get().live().terminal()).filter(Files::isDirectory);
        if (directory.isEmpty()) {
            refuse(response, owned.get(), "upload of " + name, Status.SERVICE_UNAVAILABLE_503,
                    "cannot tell which directory the terminal is in now (has its program ended, or its directory been removed?)");
            return;
        }
        Path target = directory.get().resolve(name.value());
        long declared = request.headers().contentLength().orElse(-1);
        try {
            Upload.precheck(directory.get(), name, declared, uploadMax, overwrite);
            long bytes = Upload.write(directory.get(), name, request.content().inputStream(), uploadMax, overwrite);
            Audit.fileUploaded(terminal, owned.get().user(), owned.get().live().owner(), owned.get().address(), target.toString(), bytes);
            response.headers().remove(HeaderNames.CONNECTION);
            response.headers().contentType(HttpMediaTypes.JSON_UTF_8);
            response.status(Status.CREATED_201).send(JsonFactories.BUILDERS.createObjectBuilder()
                    .add("name", name.value()).add("directory", directory.get().toString()).add("bytes", bytes)
                    .build().toString());
        } catch (Upload.TooLarge e) {
            refuse(response, owned.get(), "upload of " + target, Status.REQUEST_ENTITY_TOO_LARGE_413, e.getMessage());
        } catch (Upload.AlreadyExists e) {
            refuse(response, owned.get(), "upload of " + target, Status.CONFLICT_409,
                    e.getMessage() + " in " + directory.get() + "; add overwrite=1 to replace it");
        } catch (AccessDeniedException e) {
            refuse(response, owned.get(), "upload of " + target, Status.FORBIDDEN_403,
                    "the terminal's user cannot write into " + directory.get());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "upload of " + target + " failed: " + e);
            refuse(response, owned.get(), "upload of " + target, Status.INTERNAL_SERVER_ERROR_500,
                    "the file could not be written: " + e.getMessage());
        }
    }

    private void download(ServerRequest request, ServerResponse response) {
        Optional<Owned> owned = owned(request, response);
        if (owned.isEmpty()) {
            return;
        }
        Optional<String> path = request.query().first("path").asOptional();
        if (path.isEmpty()) {
            describe(response, owned.get());
            return;
        }
        DownloadFile file;
        try {
            file = DownloadFile.of(path.get());
        } catch (DownloadFile.Refused e) {
            refuse(response, owned.get(), "download of " + path.get(), e.notFound() ? Status.NOT_FOUND_404 : Status.BAD_REQUEST_400,
                    e.getMessage());
            return;
        }
        response.header(HeaderNames.CONTENT_DISPOSITION, attachment(file.name()));
        if (request.prologue().method() == Method.GET && !request.headers().contains(HeaderNames.RANGE)) {
            Audit.fileDownloaded(owned.get().live().terminal().id(), owned.get().user(), owned.get().live().owner(),
                    owned.get().address(), file.path().toString(), file.attributes().size());
        }
        responder.respond(request, response, FileResources.download(file.path(), file.attributes()));
    }

    /** Where an upload lands now, and how large it may be: for the page, before it sends anything. */
    private void describe(ServerResponse response, Owned owned) {
        JsonObjectBuilder json = JsonFactories.BUILDERS.createObjectBuilder().add("uploadMax", uploadMax);
        TerminalDirectory.of(owned.live().terminal()).ifPresent(directory -> json.add("directory", directory.toString()));
        response.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        response.send(json.build().toString());
    }

    private static void refuse(ServerResponse response, Owned owned, String what, Status status, String why) {
        Audit.fileRefused(owned.live().terminal().id(), owned.user(), owned.live().owner(), owned.address(), what, why);
        response.status(status).send(why);
    }

    /** RFC 6266: an ASCII {@code filename} for old clients, and the exact name in {@code filename*} (RFC 8187). */
    static String attachment(String name) {
        StringBuilder ascii = new StringBuilder();
        StringBuilder exact = new StringBuilder();
        name.codePoints().forEach(cp -> ascii.append(cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' && cp != '%' ? (char) cp : '_'));
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                exact.append((char) c);
            } else {
                exact.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + exact;
    }

    /** A path segment's percent-escapes decoded once, strictly: the bytes must be UTF-8. */
    static String decode(String segment) throws CharacterCodingException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    throw new IllegalArgumentException("a broken percent-escape");
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("a broken percent-escape");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                throw new IllegalArgumentException("a raw non-ASCII character in the path");
            }
        }
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    }
}
