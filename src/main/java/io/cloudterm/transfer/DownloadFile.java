package io.cloudterm.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file a download may send: named by an absolute path (as {@code cloudterm-download} prints
 * it), a regular file (symbolic links followed, as {@code cat} would), readable by the server's
 * user, who is the terminals' user too: nothing a program in the terminal could not read itself.
 */
public record DownloadFile(Path path, BasicFileAttributes attributes) {

    /** Why a path cannot be downloaded; {@link #notFound()}: it names nothing (then 404, else 400). */
    public static final class Refused extends Exception {
        private final boolean notFound;

        Refused(String message, boolean notFound) {
            super(message, null, false, false);
            this.notFound = notFound;
        }

        public boolean notFound() {
            return notFound;
        }
    }

    /** The file at {@code text}, or why it cannot be downloaded. */
    public static DownloadFile of(String text) throws Refused {
        Path path;
        try {
            path = Path.of(text);
        } catch (InvalidPathException e) {
            throw new Refused("not a path: " + e.getReason(), false);
        }
        if (!path.isAbsolute()) {
            throw new Refused("the path must be absolute (cloudterm-download prints it so)", false);
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new Refused("no such file: " + text, true);
        }
        if (attributes.isDirectory()) {
            throw new Refused(text + " is a directory: only files can be downloaded (pack it first, e.g. tar czf dir.tgz dir)", false);
        }
        if (!attributes.isRegularFile()) {
            throw new Refused(text + " is not a regular file", false);
        }
        if (!Files.isReadable(path)) {
            throw new Refused(text + " cannot be read by the terminal's user", false);
        }
        return new DownloadFile(path, attributes);
    }

    /** The name the browser saves it under. */
    public String name() {
        Path name = path.getFileName();
        return name == null ? "download" : name.toString();
    }
}
