package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's directory shared with {@code --files}, fetched with a real HTTP client from a
 * running server: each of HTTP's rules for files, one story per test. Native mode here (bodies
 * with sendfile), pure Java in {@link FileSharingPureJavaTest} (bodies copied): the same answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileSharingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Instant MODIFIED = Instant.parse("2026-03-04T05:06:07Z");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WAIT).build();

    Path shared;
    byte[] big;
    TestServer server;

    /** The --native mode the server runs in. */
    String nativeMode() {
        return "on";
    }

    @BeforeAll
    void start(@TempDir Path directory) throws IOException {
        shared = directory;
        Files.writeString(shared.resolve("hello.txt"), "hello, world\n");
        big = new byte[300_000];
        new Random(42).nextBytes(big);
        Files.write(shared.resolve("build.tar"), big);
        Files.writeString(shared.resolve("app.js"), "console.log('plain')\n");
        Files.writeString(shared.resolve("app.js.gz"), "pretend gzip bytes");
        Files.writeString(shared.resolve("app.js.br"), "pretend brotli bytes");
        Files.writeString(shared.resolve("old.css"), "body{}");
        Files.writeString(shared.resolve("old.css.gz"), "made from an earlier old.css");
        Files.setLastModifiedTime(shared.resolve("old.css.gz"), FileTime.from(MODIFIED.minusSeconds(3600)));
        for (String file : new String[] {"hello.txt", "build.tar", "app.js", "app.js.gz", "app.js.br", "old.css"}) {
            Files.setLastModifiedTime(shared.resolve(file), FileTime.from(MODIFIED));
        }
        Files.createDirectories(shared.resolve("docs"));
        Files.writeString(shared.resolve("docs/index.html"), "<h1>the docs</h1>");
        server = TestServer.start("--no-auth", "--native", nativeMode(), "--files", shared.toString(), "--", "sh");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aFileComesWithItsTypeLengthAndValidators() {
        HttpResponse<byte[]> response = get("files/hello.txt", Map.of());
        assertEquals(200, response.statusCode());
        assertEquals("hello, world\n", new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("text/plain; charset=utf-8", header(response, "Content-Type"));
        assertEquals("13", header(response, "Content-Length"));
        assertTrue(header(response, "ETag").matches("\"[A-Za-z0-9_-]+\""), "a strong entity tag: " + header(response, "ETag"));
        assertEquals("Wed, 04 Mar 2026 05:06:07 GMT", header(response, "Last-Modified"));
        assertEquals("bytes", header(response, "Accept-Ranges"));
        assertEquals("nosniff", header(response, "X-Content-Type-Options"));
        assertEquals("no-cache", header(response, "Cache-Control"));
        assertFalse(response.headers().firstValue("Vary").isPresent(), "no sibling, nothing varies");
    }

    @Test
    void aLargeFileArrivesByteForByte() {
        HttpResponse<byte[]> response = get("files/build.tar", Map.of());
        assertEquals(200, response.statusCode());
        assertArrayEquals(big, response.body());
        assertEquals("application/x-tar", header(response, "Content-Type"));
    }

    @Test
    void headDescribesTheFileWithoutItsBytes() {
        RawHttp.Response head = RawHttp.exchange(server, "HEAD /files/build.tar HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals(200, head.status());
        assertTrue(head.head().contains("\r\nContent-Length: 300000\r\n"), head.head());
        assertTrue(head.head().contains("\r\nETag: \""), head.head());
        assertEquals("", head.body());
    }

    @Test
    void otherMethodsAreNotAllowed() {
        for (String method : new String[] {"POST", "PUT", "DELETE"}) {
            HttpResponse<byte[]> response = send(HttpRequest.newBuilder(server.url("files/hello.txt"))
                    .method(method, HttpRequest.BodyPublishers.ofString("x")));
            assertEquals(405, response.statusCode(), method);
            assertEquals("GET, HEAD", header(response, "Allow"), method);
        }
        assertTrue(Files.exists(shared.resolve("hello.txt")));
    }

    @Test
    void theCurrentEntityTagOrDateIsNotModified() {
        String etag = header(get("files/hello.txt", Map.of()), "ETag");
        HttpResponse<byte[]> byTag = get("files/hello.txt", Map.of("If-None-Match", etag));
        assertEquals(304, byTag.statusCode());
        assertEquals(0, byTag.body().length);
        assertEquals(etag, header(byTag, "ETag"));
        assertEquals(304, get("files/hello.txt", Map.of("If-Modified-Since", "Wed, 04 Mar 2026 05:06:07 GMT")).statusCode());
        assertEquals(200, get("files/hello.txt", Map.of("If-Modified-Since", "Wed, 04 Mar 2026 05:06:06 GMT")).statusCode());
        assertEquals(200, get("files/hello.txt", Map.of("If-None-Match", "\"stale\"")).statusCode());
    }

    @Test
    void anotherEntityTagOrALaterChangeFailsThePrecondition() {
        String etag = header(get("files/hello.txt", Map.of()), "ETag");
        assertEquals(412, get("files/hello.txt", Map.of("If-Match", "\"stale\"")).statusCode());
        assertEquals(200, get("files/hello.txt", Map.of("If-Match", etag)).statusCode());
        assertEquals(412, get("files/hello.txt", Map.of("If-Unmodified-Since", "Wed, 04 Mar 2026 05:06:06 GMT")).statusCode());
        assertEquals(200, get("files/hello.txt", Map.of("If-Unmodified-Since", "Wed, 04 Mar 2026 05:06:07 GMT")).statusCode());
    }

    @Test
    void oneRangeIsPartialContent() {
        HttpResponse<byte[]> response = get("files/build.tar", Map.of("Range", "bytes=100-119"));
        assertEquals(206, response.statusCode());
        assertEquals("bytes 100-119/300000", header(response, "Content-Range"));
        assertEquals("20", header(response, "Content-Length"));
        assertArrayEquals(Arrays.copyOfRange(big, 100, 120), response.body());
        HttpResponse<byte[]> tail = get("files/build.tar", Map.of("Range", "bytes=-5"));
        assertEquals("bytes 299995-299999/300000", header(tail, "Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(big, 299_995, 300_000), tail.body());
    }

    @Test
    void aRangeBeyondTheEndIsNotSatisfiable() {
        HttpResponse<byte[]> response = get("files/build.tar", Map.of("Range", "bytes=300000-"));
        assertEquals(416, response.statusCode());
        assertEquals("bytes */300000", header(response, "Content-Range"));
    }

    @Test
    void severalRangesGetTheWholeFile() {
        HttpResponse<byte[]> response = get("files/build.tar", Map.of("Range", "bytes=0-1,10-11"));
        assertEquals(200, response.statusCode());
        assertArrayEquals(big, response.body());
    }

    @Test
    void ifRangeGivesThePartOnlyOfTheSameFile() {
        String etag = header(get("files/build.tar", Map.of()), "ETag");
        assertEquals(206, get("files/build.tar", Map.of("Range", "bytes=0-9", "If-Range", etag)).statusCode());
        HttpResponse<byte[]> changed = get("files/build.tar", Map.of("Range", "bytes=0-9", "If-Range", "\"another\""));
        assertEquals(200, changed.statusCode());
        assertEquals(300_000, changed.body().length);
    }

    @Test
    void aPrecompressedSiblingIsChosenByAcceptEncoding() {
        HttpResponse<byte[]> brotli = get("files/app.js", Map.of("Accept-Encoding", "gzip, deflate, br"));
        assertEquals("pretend brotli bytes", new String(brotli.body(), StandardCharsets.UTF_8));
        assertEquals("br", header(brotli, "Content-Encoding"));
        assertEquals("text/javascript; charset=utf-8", header(brotli, "Content-Type"));
        assertEquals("Accept-Encoding", header(brotli, "Vary"));
        assertEquals(Integer.toString("pretend brotli bytes".length()), header(brotli, "Content-Length"));

        HttpResponse<byte[]> gzip = get("files/app.js", Map.of("Accept-Encoding", "gzip, br;q=0"));
        assertEquals("pretend gzip bytes", new String(gzip.body(), StandardCharsets.UTF_8));
        assertEquals("gzip", header(gzip, "Content-Encoding"));
        assertTrue(!header(gzip, "ETag").equals(header(brotli, "ETag")), "each representation has its own tag");

        HttpResponse<byte[]> plain = get("files/app.js", Map.of());
        assertEquals("console.log('plain')\n", new String(plain.body(), StandardCharsets.UTF_8));
        assertFalse(plain.headers().firstValue("Content-Encoding").isPresent());
        assertEquals("Accept-Encoding", header(plain, "Vary"), "another client gets other bytes under this URL");
    }

    @Test
    void aRangeIsOfTheFileItselfNeverOfACompressedSibling() {
        HttpResponse<byte[]> response = get("files/app.js", Map.of("Accept-Encoding", "gzip, br", "Range", "bytes=0-6"));
        assertEquals(206, response.statusCode());
        assertEquals("console", new String(response.body(), StandardCharsets.UTF_8));
        assertFalse(response.headers().firstValue("Content-Encoding").isPresent());
    }

    @Test
    void aSiblingOlderThanItsFileIsNotServed() {
        HttpResponse<byte[]> response = get("files/old.css", Map.of("Accept-Encoding", "gzip"));
        assertEquals("body{}", new String(response.body(), StandardCharsets.UTF_8));
        assertFalse(response.headers().firstValue("Content-Encoding").isPresent());
    }

    @Test
    void aDirectoryIsRedirectedToItsSlashThenServedItsIndex() {
        HttpResponse<byte[]> redirect = get("files/docs", Map.of());
        assertEquals(301, redirect.statusCode());
        assertEquals("/files/docs/", header(redirect, "Location"));
        HttpResponse<byte[]> index = get("files/docs/", Map.of());
        assertEquals(200, index.statusCode());
        assertEquals("<h1>the docs</h1>", new String(index.body(), StandardCharsets.UTF_8));
        assertEquals("text/html; charset=utf-8", header(index, "Content-Type"));
        assertEquals(301, get("files", Map.of()).statusCode());
    }

    @Test
    void withoutListingsADirectoryWithoutIndexIsNotFound() {
        assertEquals(404, get("files/", Map.of()).statusCode());
    }

    @Test
    void theSecurityHeadersOfThePageCoverTheFilesToo() {
        HttpResponse<byte[]> response = get("files/hello.txt", Map.of());
        assertTrue(header(response, "Content-Security-Policy").contains("default-src 'self'"));
        assertTrue(header(get("files/docs/", Map.of()), "Content-Security-Policy").endsWith("; sandbox allow-downloads"),
                "a page someone put in the directory runs no script as this site");
        assertEquals("no-referrer", header(response, "Referrer-Policy"));
    }

    HttpResponse<byte[]> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url(path)).GET();
        headers.forEach(request::header);
        return send(request);
    }

    static HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(WAIT).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " in " + response.headers().map()));
    }

}
