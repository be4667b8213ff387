package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page's files as a browser fetches them from a running server: encodings, validators, caching. */
class PageAssetServingTest {

    private static final Pattern VERSIONED = Pattern.compile("(?:href|src)=\"([A-Za-z0-9_./-]+)\\?v=([A-Za-z0-9_-]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--no-auth", "-b", "/term/", "--", "sh");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyFileThePageLinksIsVersionedAndDecodesToTheBuiltBytes() throws IOException {
        String page = body(fetch("GET", "", Map.of()));
        Map<String, String> links = links(page);
        assertTrue(links.keySet().containsAll(List.of("app.js", "app.css", "vendor/xterm.js", "vendor/xterm.css",
                "vendor/addon-fit.js", "favicon.svg")), links.toString());
        Brotli4jLoader.ensureAvailability();
        for (Map.Entry<String, String> link : links.entrySet()) {
            byte[] original = resource(link.getKey());
            String url = link.getKey() + "?v=" + link.getValue();
            assertArrayEquals(original, fetch("GET", url, Map.of()).body(), url + " as it is");
            HttpResponse<byte[]> gzip = fetch("GET", url, Map.of("Accept-Encoding", "gzip"));
            assertEquals("gzip", gzip.headers().firstValue("Content-Encoding").orElse(""), url);
            assertArrayEquals(original, gunzip(gzip.body()), url + " gzip");
            HttpResponse<byte[]> brotli = fetch("GET", url, Map.of("Accept-Encoding", "gzip, deflate, br"));
            assertEquals("br", brotli.headers().firstValue("Content-Encoding").orElse(""), url);
            assertArrayEquals(original, unbrotli(brotli.body()), url + " brotli");
            assertEquals("Accept-Encoding", brotli.headers().firstValue("Vary").orElse(""), url);
        }
    }

    @Test
    void aVersionedFileIsKeptForAYearAndTheRestRevalidated() throws IOException {
        Map<String, String> links = links(body(fetch("GET", "", Map.of())));
        String current = "app.js?v=" + links.get("app.js");

        assertEquals("public, max-age=31536000, immutable", cacheControl(fetch("GET", current, Map.of())));
        HttpResponse<byte[]> stale = fetch("GET", "app.js?v=AAAAAAAAAAAAAAAAAAAAAA", Map.of());
        assertEquals(200, stale.statusCode());
        assertEquals("no-cache", cacheControl(stale), "an old page's link gets today's bytes, not for a year");
        assertArrayEquals(resource("app.js"), stale.body());
        assertEquals("no-cache", cacheControl(fetch("GET", "app.js", Map.of())));
        assertEquals("no-cache", cacheControl(fetch("GET", "", Map.of())));
        assertEquals("no-cache", cacheControl(fetch("GET", "terminals.html", Map.of())));
    }

    @Test
    void aReloadWithTheEtagIsAnsweredWithoutABody() throws IOException {
        for (String path : List.of("", "terminals.html", "vendor/xterm.js")) {
            for (String encoding : List.of("identity", "gzip", "br")) {
                HttpResponse<byte[]> first = fetch("GET", path, Map.of("Accept-Encoding", encoding));
                String etag = first.headers().firstValue("ETag").orElseThrow();
                assertTrue(etag.matches("\"[A-Za-z0-9_-]{22}\""), etag);
                HttpResponse<byte[]> again = fetch("GET", path, Map.of("Accept-Encoding", encoding, "If-None-Match", etag));
                assertEquals(304, again.statusCode(), path + " " + encoding);
                assertEquals(0, again.body().length);
                assertEquals(etag, again.headers().firstValue("ETag").orElse(""));
                HttpResponse<byte[]> other = fetch("GET", path, Map.of("Accept-Encoding", encoding, "If-None-Match", "\"other\""));
                assertEquals(200, other.statusCode(), "another tag is another version");
            }
        }
    }

    @Test
    void eachEncodingHasItsOwnEtag() throws IOException {
        Set<String> tags = new LinkedHashSet<>();
        for (String encoding : List.of("identity", "gzip", "br")) {
            tags.add(fetch("GET", "vendor/xterm.js", Map.of("Accept-Encoding", encoding)).headers().firstValue("ETag").orElseThrow());
        }
        assertEquals(3, tags.size(), tags.toString());
    }

    @Test
    void headSaysWhatGetWouldSendWithoutSendingIt() throws IOException {
        HttpResponse<byte[]> get = fetch("GET", "vendor/xterm.js", Map.of("Accept-Encoding", "gzip"));
        HttpResponse<byte[]> head = fetch("HEAD", "vendor/xterm.js", Map.of("Accept-Encoding", "gzip"));
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        for (String name : List.of("Content-Length", "Content-Type", "Content-Encoding", "ETag", "Cache-Control", "Vary")) {
            assertEquals(get.headers().firstValue(name), head.headers().firstValue(name), name);
        }
        assertEquals(String.valueOf(get.body().length), head.headers().firstValue("Content-Length").orElse(""));
        // On the wire: nothing follows the head (HttpClient would not read a body after HEAD if there were one).
        RawHttp.Response raw = RawHttp.exchange(server, "HEAD /term/vendor/xterm.js HTTP/1.1\r\nHost: 127.0.0.1:"
                + server.server().port() + "\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");
        assertEquals(200, raw.status(), raw.head());
        assertEquals(0, raw.body().length(), "bytes after a HEAD response");
    }

    @Test
    void otherMethodsAreRefusedWithWhatIsAllowed() throws IOException {
        HttpResponse<byte[]> put = fetch("PUT", "app.js", Map.of());
        assertEquals(405, put.statusCode());
        assertEquals("GET, HEAD", put.headers().firstValue("Allow").orElse(""));
        assertEquals(404, fetch("GET", "no-such-file.js", Map.of()).statusCode());
        assertEquals(404, fetch("GET", "app.js.gz", Map.of()).statusCode(), "a sibling is an encoding, not a file");
    }

    @Test
    void typesAndSecurityHeadersAreThoseOfThePage() throws IOException {
        HttpResponse<byte[]> script = fetch("GET", "app.js", Map.of("Accept-Encoding", "br"));
        assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").orElse(""));
        assertEquals("nosniff", script.headers().firstValue("X-Content-Type-Options").orElse(""));
        HttpResponse<byte[]> page = fetch("GET", "", Map.of("Accept-Encoding", "gzip"));
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self' 'wasm-unsafe-eval';"));
        assertTrue(page.headers().firstValue("Last-Modified").isPresent());
        assertEquals("image/svg+xml; charset=utf-8", fetch("GET", "favicon.svg", Map.of()).headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void lastModifiedIsTheBuildsAndTheSameOnEveryRequest() throws IOException {
        for (String path : List.of("", "vendor/xterm.js")) {
            String first = fetch("GET", path, Map.of()).headers().firstValue("Last-Modified").orElseThrow();
            assertEquals(first, fetch("GET", path, Map.of("Accept-Encoding", "br")).headers().firstValue("Last-Modified").orElseThrow());
            assertEquals(first, fetch("HEAD", path, Map.of()).headers().firstValue("Last-Modified").orElseThrow());
            java.time.Instant modified = java.time.ZonedDateTime.parse(first, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            assertTrue(modified.isAfter(java.time.Instant.parse("2000-01-01T00:00:00Z")) && !modified.isAfter(java.time.Instant.now()), first);
            HttpResponse<byte[]> since = fetch("GET", path, Map.of("If-Modified-Since", first));
            assertEquals(304, since.statusCode(), path);
        }
    }

    @Test
    void aRangeOfAnAssetIsThoseBytesOfItsIdentity() throws IOException {
        byte[] original = resource("vendor/xterm.js");
        HttpResponse<byte[]> part = fetch("GET", "vendor/xterm.js", Map.of("Range", "bytes=100-119", "Accept-Encoding", "br"));
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-119/" + original.length, part.headers().firstValue("Content-Range").orElse(""));
        assertEquals("", part.headers().firstValue("Content-Encoding").orElse(""));
        assertArrayEquals(java.util.Arrays.copyOfRange(original, 100, 120), part.body());
    }

    /**
     * The bytes on the wire for the page and everything it links, the way a browser fetches them:
     * as they are, compressed, and on a reload (the page revalidated, the versioned files not even asked for).
     */
    @Test
    void firstLoadAndReloadByteCounts() throws IOException {
        long plain = load(Map.of());
        long gzip = load(Map.of("Accept-Encoding", "gzip"));
        long brotli = load(Map.of("Accept-Encoding", "gzip, deflate, br"));
        HttpResponse<byte[]> page = fetch("GET", "", Map.of("Accept-Encoding", "gzip, deflate, br"));
        HttpResponse<byte[]> reload = fetch("GET", "", Map.of("Accept-Encoding", "gzip, deflate, br",
                "If-None-Match", page.headers().firstValue("ETag").orElseThrow()));
        assertEquals(304, reload.statusCode());
        System.out.printf("page bytes: first load %d plain, %d gzip, %d br; reload %d body bytes (304)%n",
                plain, gzip, brotli, reload.body().length);
        assertTrue(brotli < gzip && gzip < plain / 3, plain + " " + gzip + " " + brotli);
    }

    private static long load(Map<String, String> headers) throws IOException {
        long total = fetch("GET", "", headers).body().length;
        for (Map.Entry<String, String> link : links(body(fetch("GET", "", Map.of()))).entrySet()) {
            total += fetch("GET", link.getKey() + "?v=" + link.getValue(), headers).body().length;
        }
        return total;
    }

    private static Map<String, String> links(String page) {
        Map<String, String> links = new java.util.LinkedHashMap<>();
        Matcher m = VERSIONED.matcher(page);
        while (m.find()) {
            links.put(m.group(1), m.group(2));
        }
        return links;
    }

    private static HttpResponse<byte[]> fetch(String method, String path, Map<String, String> headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String body(HttpResponse<byte[]> response) {
        assertEquals(200, response.statusCode());
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static String cacheControl(HttpResponse<byte[]> response) {
        List<String> values = new ArrayList<>(response.headers().allValues("Cache-Control"));
        assertEquals(1, values.size(), values.toString());
        return values.get(0);
    }

    private static byte[] resource(String path) {
        try (InputStream in = PageAssetServingTest.class.getClassLoader().getResourceAsStream("web/" + path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }

    private static byte[] unbrotli(byte[] bytes) throws IOException {
        DirectDecompress result = Decoder.decompress(bytes);
        assertEquals(DecoderJNI.Status.DONE, result.getResultStatus());
        return result.getDecompressedData();
    }
}
