package io.cloudterm.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * A directory whose files are served, and the one place that decides whether a request path
 * names something inside it: a regular file or a directory whose real path (every symbolic link
 * followed) is inside the root, unless links may lead out; never a device, a pipe or a socket
 * (opening a pipe would hang the response).
 *
 * <p>The check is made on the real path, after the file system has followed every link, not on
 * the names alone: a link {@code logs -> /var/log} inside the root passes every name check and
 * would still lead out. What is served is that real path, so the file opened is the file checked.
 */
public final class FileRoot {

    /** What a request path found. */
    public sealed interface Resolution {
    }

    /**
     * A file or directory inside the root.
     *
     * @param path       its real path (links resolved)
     * @param attributes what it was when checked
     * @param slash      the request path ended with a slash
     */
    public record Found(Path path, BasicFileAttributes attributes, boolean slash) implements Resolution {
    }

    /** Nothing to serve: {@code status} is 400 (not a path) or 404 (nothing, or nothing of ours). */
    public record Refused(int status, String why) implements Resolution {
    }

    private final Path root;
    private final boolean followSymlinks;
    private final boolean dotfiles;

    /**
     * {@code followSymlinks}: links may lead out of the root; {@code dotfiles}: names starting with
     * a dot are served. Throws an {@link IOException} if {@code directory} is not one.
     */
    public FileRoot(Path directory, boolean followSymlinks, boolean dotfiles) throws IOException {
        this.root = directory.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new IOException(directory + " is not a directory");
        }
        this.followSymlinks = followSymlinks;
        this.dotfiles = dotfiles;
    }

    /** The root's real path. */
    public Path directory() {
        return root;
    }

    /** What {@code raw} (a raw request path below the mount, without its leading slash) names. */
    public Resolution resolve(String raw) {
        return switch (RequestPath.parse(raw, dotfiles)) {
            case RequestPath.Malformed malformed -> new Refused(400, malformed.why());
            case RequestPath.Refused refused -> new Refused(404, refused.why());
            case RequestPath.Names names -> find(names);
        };
    }

    private Resolution find(RequestPath.Names names) {
        Path candidate = root;
        try {
            for (String name : names.names()) {
                candidate = candidate.resolve(name);
            }
        } catch (InvalidPathException e) {
            return new Refused(404, "not a file name here");
        }
        if (!candidate.normalize().startsWith(root)) {
            // Cannot happen after RequestPath's checks; kept so that no change there can open the root.
            return new Refused(404, "outside the root");
        }
        return inside(candidate).<Resolution>map(found -> names.directory() && !found.attributes().isDirectory()
                        ? new Refused(404, "a file asked for as a directory")
                        : new Found(found.path(), found.attributes(), names.directory()))
                .orElseGet(() -> new Refused(404, "no such file here"));
    }

    /**
     * {@code file}'s real path and attributes if it is a regular file or directory that may be
     * served: for a precompressed sibling, an index page, an entry of a listing.
     */
    public Optional<Found> inside(Path file) {
        Path real;
        BasicFileAttributes attributes;
        try {
            real = file.toRealPath();
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        if (!attributes.isRegularFile() && !attributes.isDirectory()) {
            return Optional.empty();
        }
        if (real.startsWith(root)) {
            if (!dotfiles && hidden(root.relativize(real))) {
                // A link inside the root to one of its hidden files shows that file no more than its name would.
                return Optional.empty();
            }
        } else if (!followSymlinks) {
            return Optional.empty();
        }
        return Optional.of(new Found(real, attributes, false));
    }

    private static boolean hidden(Path relative) {
        for (Path name : relative) {
            if (name.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
