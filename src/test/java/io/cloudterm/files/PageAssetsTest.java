package io.cloudterm.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageAssetsTest {

    private static final String SCRIPT = "console.log('hello, terminal');\n".repeat(40);
    private static final String PAGE = "<!doctype html><link href=\"sub/lib.css\"><script src=\"app.js\"></script>"
            + "<a href=\"other.html\">other</a>" + "<p>a page long enough to be worth compressing</p>\n".repeat(10);

    @TempDir
    Path dir;

    @Test
    void theBuildsSiblingsAreEncodingsOfTheirFileNotFilesOfTheirOwn() throws IOException {
        PageAssets assets = PageAssets.load(site(dir.resolve("web")));

        assertEquals(Set.of("index.html", "other.html", "app.js", "sub/lib.css", "data.gz"), assets.paths());
        PageAsset script = assets.find("app.js").orElseThrow();
        assertEquals(Set.of("identity", "gzip", "br"), script.encodings());
        assertEquals(SCRIPT, text(script, "identity"));
        assertEquals(SCRIPT, new String(gunzip(bytes(script, "gzip")), StandardCharsets.UTF_8));
        assertEquals("not really brotli", text(script, "br"));
        assertEquals("text/javascript; charset=utf-8", script.contentType());
        assertEquals(Set.of("identity"), assets.find("sub/lib.css").orElseThrow().encodings());
    }

    @Test
    void pagesLinkTheCurrentVersionsAndAreCompressedAfterwards() throws IOException {
        PageAssets assets = PageAssets.load(site(dir.resolve("web")));
        PageAsset page = assets.find("index.html").orElseThrow();
        String html = text(page, "identity");

        assertTrue(html.contains("src=\"app.js?v=" + assets.find("app.js").orElseThrow().version() + "\""), html);
        assertTrue(html.contains("href=\"sub/lib.css?v=" + assets.find("sub/lib.css").orElseThrow().version() + "\""), html);
        assertTrue(html.contains("href=\"other.html\""), "pages link pages unversioned: " + html);
        assertArrayEquals(html.getBytes(StandardCharsets.UTF_8), gunzip(bytes(page, "gzip")));
        assertEquals(AssetLinks.hash(ByteBuffer.wrap(html.getBytes(StandardCharsets.UTF_8))), page.version());
    }

    @Test
    void onlyTheCurrentVersionOfAnAssetIsImmutable() throws IOException {
        PageAssets assets = PageAssets.load(site(dir.resolve("web")));
        PageAsset script = assets.find("app.js").orElseThrow();
        PageAsset page = assets.find("index.html").orElseThrow();

        assertEquals(PageAsset.IMMUTABLE, cacheControls(script.resource(Optional.of(script.version()))));
        assertEquals(PageAsset.REVALIDATE, cacheControls(script.resource(Optional.of("stale"))));
        assertEquals(PageAsset.REVALIDATE, cacheControls(script.resource(Optional.empty())));
        assertEquals(PageAsset.REVALIDATE, cacheControls(page.resource(Optional.of(page.version()))));
    }

    @Test
    void eachEncodingHasItsOwnStrongEtagAndLengthBrotliFirst() throws IOException {
        PageAsset script = PageAssets.load(site(dir.resolve("web"))).find("app.js").orElseThrow();
        Resource resource = script.resource(Optional.empty());
        Representation plain = resource.identity();
        Representation gzip = resource.encoded().get("gzip");

        assertEquals(List.of("br", "gzip"), List.copyOf(resource.encoded().keySet()), "the smaller coding wins a tie");
        assertNotEquals(plain.etag(), gzip.etag());
        assertNotEquals(resource.encoded().get("br").etag(), gzip.etag());
        assertTrue(plain.etag().matches("\"[A-Za-z0-9_-]{22}\""), plain.etag());
        assertEquals(Optional.of("gzip"), gzip.contentEncoding());
        assertEquals(Optional.empty(), plain.contentEncoding());
        assertEquals(SCRIPT.length(), plain.length());
        assertEquals(bytes(script, "gzip").length, gzip.length());
        assertEquals(Map.of(), PageAssets.load(dir.resolve("web")).find("sub/lib.css").orElseThrow().resource(Optional.empty()).encoded(),
                "no sibling, no encoding");
    }

    @Test
    void aPageIsNoOlderThanTheNewestFileItLinks() throws IOException {
        Path web = site(dir.resolve("web"));
        try (Stream<Path> files = Files.walk(web)) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2020-01-01T00:00:00Z")));
            }
        }
        Files.setLastModifiedTime(web.resolve("app.js"), java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2024-05-06T07:08:09.5Z")));
        PageAssets assets = PageAssets.load(web);

        assertEquals(java.time.Instant.parse("2024-05-06T07:08:09Z"), assets.find("index.html").orElseThrow().lastModified(),
                "its bytes name app.js's version: they changed when app.js did");
        assertEquals(java.time.Instant.parse("2024-05-06T07:08:09Z"), assets.find("app.js").orElseThrow().lastModified());
    }

    private static String cacheControls(Resource resource) {
        java.util.Set<String> values = new java.util.HashSet<>();
        values.add(resource.identity().cacheControl());
        resource.encoded().values().forEach(r -> values.add(r.cacheControl()));
        assertEquals(1, values.size(), values.toString());
        return values.iterator().next();
    }

    @Test
    void aJarServesTheSameAsAFolder() throws IOException {
        Path folder = site(dir.resolve("web"));
        Path jar = jar(dir.resolve("page.jar"), folder, Map.of());
        PageAssets fromFolder = PageAssets.load(folder);
        PageAssets fromJar = PageAssets.load(URI.create("jar:" + jar.toUri() + "!/web").toURL());

        assertEquals(fromFolder.paths(), fromJar.paths());
        for (String path : fromFolder.paths()) {
            assertEquals(fromFolder.find(path).orElseThrow().version(), fromJar.find(path).orElseThrow().version(), path);
            assertEquals(fromFolder.find(path).orElseThrow().encodings(), fromJar.find(path).orElseThrow().encodings(), path);
        }
    }

    /** Stands for CloudTerm's classes: the jar that holds it is the one whose web/ is served. */
    static final class Anchor {
    }

    @Test
    void anApplicationsOwnWebFolderEarlierOnTheClassPathIsNotTakenForOurs() throws Exception {
        Path ours = jar(dir.resolve("cloudterm.jar"), site(dir.resolve("web")), Map.of(
                "io/cloudterm/files/PageAssetsTest$Anchor.class", anchorClassFile()));
        Path application = dir.resolve("application");
        Files.createDirectories(application.resolve("web"));
        Files.writeString(application.resolve("web/app.js"), "the application's own script");
        Path theirs = jar(dir.resolve("application.jar"), application.resolve("web"), Map.of());

        try (URLClassLoader loader = new URLClassLoader(new URL[] {theirs.toUri().toURL(), ours.toUri().toURL()}, null)) {
            Class<?> anchor = loader.loadClass(Anchor.class.getName());
            PageAsset script = PageAssets.beside(anchor, "web").find("app.js").orElseThrow();
            assertEquals(SCRIPT, text(script, "identity"));
            assertTrue(AssetLinks.versionedBeside("<script src=\"app.js\">", anchor, "web").contains(script.version()));
        }
    }

    private static byte[] anchorClassFile() throws IOException {
        try (InputStream in = Anchor.class.getResourceAsStream("PageAssetsTest$Anchor.class")) {
            return in.readAllBytes();
        }
    }

    /** A jar of {@code folder} as web/, and {@code extra} entries. */
    private static Path jar(Path jar, Path folder, Map<String, byte[]> extra) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar)); Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.sorted().toList()) {
                String name = ("web/" + folder.relativize(file).toString().replace('\\', '/') + (Files.isDirectory(file) ? "/" : ""))
                        .replace("//", "/");
                zip.putNextEntry(new ZipEntry(name));
                if (Files.isRegularFile(file)) {
                    zip.write(Files.readAllBytes(file));
                }
                zip.closeEntry();
            }
            for (Map.Entry<String, byte[]> entry : extra.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void theBytesCannotBeChangedThroughWhatIsHandedOut() throws IOException {
        PageAsset script = PageAssets.load(site(dir.resolve("web"))).find("app.js").orElseThrow();
        ByteBuffer bytes = script.variants().get("identity").bytes();
        assertTrue(bytes.isReadOnly());
        assertTrue(bytes.isDirect());
        assertFalse(bytes.hasArray());
    }

    private static Path site(Path web) throws IOException {
        Files.createDirectories(web.resolve("sub"));
        Files.writeString(web.resolve("index.html"), PAGE);
        Files.writeString(web.resolve("other.html"), "<p>other</p>");
        Files.writeString(web.resolve("app.js"), SCRIPT);
        Files.write(web.resolve("app.js.gz"), gzip(SCRIPT.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(web.resolve("app.js.br"), "not really brotli");
        Files.writeString(web.resolve("sub/lib.css"), "body { color: green }");
        Files.write(web.resolve("data.gz"), gzip("a download, compressed as such".getBytes(StandardCharsets.UTF_8)));
        return web;
    }

    private static byte[] bytes(PageAsset asset, String coding) {
        ByteBuffer buffer = asset.variants().get(coding).bytes().duplicate();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static String text(PageAsset asset, String coding) {
        return new String(bytes(asset, coding), StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }
}
