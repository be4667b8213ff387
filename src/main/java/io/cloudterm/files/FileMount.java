package io.cloudterm.files;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An operator's directory served under a path of the site ({@code /files/...}): a request path
 * names a file or directory of a {@link FileRoot}; a file is answered by the {@link Responder}
 * (with its precompressed siblings), a directory by its {@code index.html}, else by a listing if
 * listings are on, else 404. A directory asked for without its final slash is redirected to it
 * first, so that the relative links of its page resolve inside it.
 *
 * <p>The path is read raw, as it came on the wire: the router's decoded path has already turned
 * {@code %2f} into a slash, which is exactly what must not be trusted.
 */
public final class FileMount implements Handler {

    private static final Logger LOG = Logger.getLogger(FileMount.class.getName());
    private static final String INDEX = "index.html";
    private static final HeaderName CONTENT_SECURITY_POLICY = HeaderNames.create("Content-Security-Policy");
    /**
     * Whoever has a terminal may write into the shared directory: an HTML or SVG file there must not
     * run as this site, where its scripts could act with the reader's session. The sandbox gives such
     * a document an origin of its own and no scripts; downloads from it (a listing's links) stay allowed.
     */
    private static final String SANDBOX = "sandbox allow-downloads";

    private final String mount;
    private final FileRoot root;
    private final FileResources resources;
    private final Optional<DirectoryListing> listing;
    private final Responder responder;
    private final Optional<FileCache> cache;

    /**
     * {@code mount}: the path the directory is served at, without a final slash ({@code /files});
     * {@code listing}: directories without an index page are listed; {@code cache}: where small
     * files are kept in memory, if anywhere.
     */
    public FileMount(String mount, FileRoot root, boolean listing, Optional<FileCache> cache, Responder responder) {
        this.mount = mount;
        this.root = root;
        this.resources = new FileResources(root, cache);
        this.cache = cache;
        this.listing = listing ? Optional.of(new DirectoryListing(root, false)) : Optional.empty();
        this.responder = responder;
    }

    /** The path this mount answers under, without its final slash. */
    public String path() {
        return mount;
    }

    /** Where its small files are kept in memory, if anywhere: for the meters. */
    public Optional<FileCache> cache() {
        return cache;
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) {
        response.header(CONTENT_SECURITY_POLICY, response.headers().first(CONTENT_SECURITY_POLICY)
                .map(policy -> policy + "; " + SANDBOX).orElse(SANDBOX));
        Method method = request.prologue().method();
        if (!method.equals(Method.GET) && !method.equals(Method.HEAD)) {
            response.header(HeaderNames.ALLOW, Responder.ALLOW);
            response.status(Status.METHOD_NOT_ALLOWED_405).send();
            return;
        }
        String raw = request.path().rawPath();
        if (raw.equals(mount)) {
            redirect(response, mount + "/");
            return;
        }
        if (!raw.startsWith(mount + "/")) {
            // The router matched the decoded path, but the raw one spells the mount otherwise (%66iles).
            notFound(response, raw, "the mount spelled with escapes");
            return;
        }
        String below = raw.substring(mount.length() + 1);
        switch (root.resolve(below)) {
            case FileRoot.Refused refused when refused.status() == 400 -> {
                LOG.fine(() -> "refused " + raw + ": " + refused.why());
                response.status(Status.BAD_REQUEST_400).send("not a valid path");
            }
            case FileRoot.Refused refused -> notFound(response, raw, refused.why());
            case FileRoot.Found found when found.attributes().isDirectory() -> directory(request, response, raw, found, below.isEmpty());
            case FileRoot.Found found -> responder.respond(request, response, resources.of(found));
        }
    }

    private void directory(ServerRequest request, ServerResponse response, String raw, FileRoot.Found directory, boolean atTop) {
        if (!directory.slash()) {
            redirect(response, raw + "/");
            return;
        }
        Optional<FileRoot.Found> index = root.inside(directory.path().resolve(INDEX)).filter(f -> f.attributes().isRegularFile());
        if (index.isPresent()) {
            responder.respond(request, response, resources.of(index.get()));
            return;
        }
        if (listing.isEmpty()) {
            notFound(response, raw, "a directory without " + INDEX + ", and listings are off");
            return;
        }
        Resource page;
        try {
            page = listing.get().of(directory, request.path().path(), atTop);
        } catch (IOException e) {
            notFound(response, raw, "unreadable directory: " + e);
            return;
        }
        responder.respond(request, response, page);
    }

    private static void redirect(ServerResponse response, String location) {
        response.status(Status.MOVED_PERMANENTLY_301);
        response.headers().location(URI.create(location));
        response.send();
    }

    private static void notFound(ServerResponse response, String raw, String why) {
        LOG.log(Level.FINE, () -> "not served " + raw + ": " + why);
        response.status(Status.NOT_FOUND_404).send("not found");
    }
}
