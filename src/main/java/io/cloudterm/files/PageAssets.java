package io.cloudterm.files;

import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The terminal page's own files, read from the class path (the jar) once at start-up and served
 * from memory off the heap: each with the {@code .gz} and {@code .br} siblings the build wrote
 * beside it, as encodings of it rather than files of their own. The pages' links to the other
 * files are rewritten to versioned URLs ({@link AssetLinks}); the pages are then compressed here,
 * since their bytes changed (gzip only: brotli is a build tool, not a dependency of the server).
 */
public final class PageAssets {

    private static final Set<String> SIBLINGS = Set.of(".gz", ".br");
    /** Media types whose bytes are text, beyond text/*: they get charset=utf-8 too. */
    private static final Set<String> TEXT_TYPES = Set.of("image/svg+xml", "application/javascript", "application/json");

    /**
     * The class path's page files, read once per process: every server (an application may run
     * several, tests run hundreds) serves the same immutable bytes, and each copy would hold a few
     * MB off the heap until a collection happened to free it.
     */
    private static final Map<String, PageAssets> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, PageAsset> assets;

    private PageAssets(Map<String, PageAsset> assets) {
        this.assets = Map.copyOf(assets);
    }

    /**
     * The files under folder {@code root} of the class-path entry (jar or class folder) that holds
     * {@code anchor}'s class: ours, even where an application that embeds CloudTerm has a
     * {@code web/} folder of its own earlier on the class path.
     */
    public static PageAssets beside(Class<?> anchor, String root) {
        URL folder = folderBeside(anchor, root);
        return LOADED.computeIfAbsent(folder.toString(), spec -> load(folder));
    }

    /** The URL of folder {@code root} in the class-path entry that holds {@code anchor}'s class. */
    public static URL folderBeside(Class<?> anchor, String root) {
        String classFile = anchor.getName().replace('.', '/') + ".class";
        URL own = anchor.getResource("/" + classFile);
        String spec = own == null ? "" : own.toString();
        if (!spec.endsWith(classFile)) {
            throw new IllegalStateException("cannot tell where " + anchor.getName() + " was loaded from (" + own
                    + "), so the page's files cannot be found beside it");
        }
        try {
            return URI.create(spec.substring(0, spec.length() - classFile.length()) + root).toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The files under {@code url}: a {@code file:} folder, or a folder in a jar ({@code jar:file:...!/web}). */
    public static PageAssets load(URL url) {
        try {
            if (url.getProtocol().equals("file")) {
                Path folder = Path.of(url.toURI());
                if (!Files.isDirectory(folder)) {
                    throw new IllegalStateException(folder + " is missing: the page cannot be served");
                }
                return load(folder);
            }
            if (url.getProtocol().equals("jar")) {
                // A file system of our own over that jar, closed after reading (not the JDK's shared
                // one, which another site's loading might have open at the same time).
                String spec = url.getPath();
                int bang = spec.indexOf("!/");
                try (FileSystem jar = FileSystems.newFileSystem(Path.of(new URI(spec.substring(0, bang))))) {
                    Path folder = jar.getPath(spec.substring(bang + 1));
                    if (!Files.isDirectory(folder)) {
                        throw new IllegalStateException(url + " is missing: the page cannot be served");
                    }
                    return load(folder);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the page's files from " + url, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot read the page's files from " + url, e);
        }
        throw new IllegalStateException("the page's files are at " + url
                + ", which is neither a folder nor a jar; they must be one or the other to be read");
    }

    /** The files under folder {@code root}. */
    public static PageAssets load(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(file -> !isSibling(file)).toList();
        }
        Map<String, PageAsset> assets = new HashMap<>();
        Map<String, String> versions = new HashMap<>();
        Instant newest = Instant.EPOCH;
        for (Path file : files) {
            if (!isHtml(file)) {
                PageAsset asset = asset(root, file, Files.readAllBytes(file), true, Instant.EPOCH);
                assets.put(asset.path(), asset);
                versions.put(asset.path(), asset.version());
                newest = asset.lastModified().isAfter(newest) ? asset.lastModified() : newest;
            }
        }
        for (Path file : files) {
            if (isHtml(file)) {
                String page = relative(root, file);
                String html = AssetLinks.versioned(Files.readString(file, StandardCharsets.UTF_8),
                        link -> Optional.ofNullable(versions.get(resolve(page, link))));
                // A page's bytes name the versions of the files it links: they are as new as the newest of those.
                assets.put(page, asset(root, file, html.getBytes(StandardCharsets.UTF_8), false, newest));
            }
        }
        return new PageAssets(assets);
    }

    /** The asset at {@code path} under the root ({@code index.html}, {@code vendor/xterm.js}). */
    public Optional<PageAsset> find(String path) {
        return Optional.ofNullable(assets.get(path));
    }

    public Set<String> paths() {
        return assets.keySet();
    }

    /**
     * One asset: {@code bytes} as identity; gzip and brotli from the build's siblings when
     * {@code withSiblings}, else (a rewritten page) gzip made here. Its modification time is the
     * file's (in a jar, the build's), or {@code notBefore} if that is later: stable while the server
     * runs, and never older than bytes it was built from.
     */
    private static PageAsset asset(Path root, Path file, byte[] bytes, boolean withSiblings, Instant notBefore)
            throws IOException {
        Map<String, PageAsset.Variant> variants = new HashMap<>();
        variants.put(PageAsset.IDENTITY, variant(bytes));
        if (withSiblings) {
            sibling(file, ".gz").ifPresent(gz -> variants.put(PageAsset.GZIP, variant(gz)));
            sibling(file, ".br").ifPresent(br -> variants.put(PageAsset.BROTLI, variant(br)));
        } else {
            byte[] gz = gzip(bytes);
            if (gz.length < bytes.length) {
                variants.put(PageAsset.GZIP, variant(gz));
            }
        }
        String path = relative(root, file);
        Instant own = Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS);
        Instant modified = own.isBefore(notBefore) ? notBefore : own;
        return new PageAsset(path, contentType(path), modified, AssetLinks.hash(ByteBuffer.wrap(bytes)),
                isHtml(file), variants);
    }

    private static Optional<byte[]> sibling(Path file, String suffix) throws IOException {
        Path sibling = file.resolveSibling(file.getFileName() + suffix);
        return Files.isRegularFile(sibling) ? Optional.of(Files.readAllBytes(sibling)) : Optional.empty();
    }

    private static PageAsset.Variant variant(byte[] bytes) {
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        ByteBuffer readOnly = direct.asReadOnlyBuffer();
        return new PageAsset.Variant(readOnly, "\"" + AssetLinks.hash(readOnly) + "\"");
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    private static String contentType(String path) {
        MediaType type = MediaTypes.detectType(path).orElse(MediaTypes.APPLICATION_OCTET_STREAM);
        String text = type.text();
        return type.type().equals("text") || TEXT_TYPES.contains(text) ? text + "; charset=utf-8" : text;
    }

    /** A build's compressed copy of a file beside it; a .gz with no original is a file of its own. */
    private static boolean isSibling(Path file) {
        String name = file.getFileName().toString();
        return SIBLINGS.stream().anyMatch(suffix -> name.endsWith(suffix)
                && Files.isRegularFile(file.resolveSibling(name.substring(0, name.length() - suffix.length()))));
    }

    private static boolean isHtml(Path file) {
        return file.getFileName().toString().endsWith(".html");
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    /** {@code link} as written in the page at {@code page}, as a path under the root. */
    private static String resolve(String page, String link) {
        int slash = page.lastIndexOf('/');
        return slash < 0 ? link : page.substring(0, slash + 1) + link;
    }
}
