package io.cloudterm.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The resource a file of a {@link FileRoot} is: the file itself, and its precompressed siblings
 * ({@code x.br}, {@code x.gz} next to {@code x}) as encoded representations. A sibling older than
 * the file is left out: it was made from an earlier version, and serving it would send old bytes
 * under the new name.
 *
 * <p>Each representation's strong entity tag is a hash of the file's identity (device and inode),
 * size and modification time in nanoseconds: any rewrite, rename over or resize gives a new tag,
 * without reading the file; hashed, so that the tag does not show inode numbers to clients.
 */
public final class FileResources {

    /** Sibling suffixes by content coding, in the order preferred when a client weighs them equally. */
    private static final Map<String, String> SIBLINGS = siblings();
    /** Files shared this way may change at any time: clients revalidate, which the entity tag makes cheap. */
    private static final String CACHE_CONTROL = "no-cache";

    private final FileRoot root;
    private final Optional<FileCache> cache;

    /** {@code cache}: where small files' bytes are kept between requests; empty: always from the disk. */
    public FileResources(FileRoot root, Optional<FileCache> cache) {
        this.root = root;
        this.cache = cache;
    }

    private static Map<String, String> siblings() {
        Map<String, String> siblings = new LinkedHashMap<>();
        siblings.put("br", ".br");
        siblings.put("gzip", ".gz");
        return siblings;
    }

    /** The resource of {@code file}, a regular file found in the root. */
    public Resource of(FileRoot.Found file) {
        String contentType = ContentTypes.of(file.path().getFileName().toString());
        Representation identity = representation(file.path(), file.attributes(), contentType, Optional.empty());
        Map<String, Representation> encoded = new LinkedHashMap<>();
        SIBLINGS.forEach((coding, suffix) -> root.inside(file.path().resolveSibling(file.path().getFileName() + suffix))
                .filter(sibling -> sibling.attributes().isRegularFile())
                .filter(sibling -> !sibling.attributes().lastModifiedTime().toInstant()
                        .isBefore(file.attributes().lastModifiedTime().toInstant()))
                .ifPresent(sibling -> encoded.put(coding,
                        representation(sibling.path(), sibling.attributes(), contentType, Optional.of(coding)))));
        return new Resource(identity, encoded);
    }

    /**
     * A file named outside any root (a terminal's download), as it is: no encoded siblings, no
     * cache, {@code application/octet-stream} (it is saved, never shown), never stored by caches.
     */
    public static Resource download(Path file, BasicFileAttributes attributes) {
        Instant modified = attributes.lastModifiedTime().toInstant();
        return Resource.of(new Representation(attributes.size(), etag(file, attributes, modified),
                modified.truncatedTo(ChronoUnit.SECONDS), "application/octet-stream", Optional.empty(), "no-store",
                new Body.FileBody(file)));
    }

    private Representation representation(Path path, BasicFileAttributes attributes, String contentType,
                                          Optional<String> coding) {
        Instant modified = attributes.lastModifiedTime().toInstant();
        return new Representation(attributes.size(), etag(path, attributes, modified), modified.truncatedTo(ChronoUnit.SECONDS),
                contentType, coding, CACHE_CONTROL, body(path, attributes));
    }

    /**
     * The bytes from memory if the cache holds (or now reads) them as they are under these very
     * attributes, the ones the length and the entity tag are made of: a file changed since it was
     * read is read again, never sent old under a new tag. Otherwise (too big, changing, unreadable
     * now) from the file, which fails the response cleanly if it is gone.
     */
    private Body body(Path path, BasicFileAttributes attributes) {
        if (cache.isPresent()) {
            try {
                Optional<Body.MemoryBody> held = cache.get().bytes(path, attributes);
                if (held.isPresent()) {
                    return held.get();
                }
            } catch (IOException e) {
                // Sent from the file instead, which says what is wrong with it if it still is.
            }
        }
        return new Body.FileBody(path);
    }

    /** A strong entity tag from the file's identity, size and modification time. */
    static String etag(Path path, BasicFileAttributes attributes, Instant modified) {
        Object key = attributes.fileKey(); // (dev=...,ino=...) on Linux and macOS
        String identity = (key != null ? key.toString() : path.toString()) + "|" + attributes.size() + "|"
                + modified.getEpochSecond() + "." + modified.getNano();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 12)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
