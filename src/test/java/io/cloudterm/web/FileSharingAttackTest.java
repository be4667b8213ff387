package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.testkit.HttpHead;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a shared directory must not give away, asked for with raw requests (an HTTP client would
 * normalise the paths first): nothing outside it, nothing hidden, nothing to anyone not logged
 * in unless it is public; and a file cut short while it is sent ends that response, not the server.
 */
class FileSharingAttackTest {

    private static final String SECRET = "TOP-SECRET-7681";

    @TempDir
    static Path base;
    static Path shared;
    /** Without a login, listings on: what is refused here is refused for the files themselves. */
    static TestServer open;

    @BeforeAll
    static void tree() throws IOException {
        shared = Files.createDirectories(base.resolve("shared"));
        Path outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(outside.resolve("secret"), SECRET);
        Files.writeString(shared.resolve("hello.txt"), "hello");
        Files.writeString(shared.resolve(".hidden"), SECRET);
        Files.createDirectories(shared.resolve(".git"));
        Files.writeString(shared.resolve(".git/config"), SECRET);
        Files.createSymbolicLink(shared.resolve("link-out"), outside.resolve("secret"));
        Files.createSymbolicLink(shared.resolve("link-dir-out"), outside);
        Files.createSymbolicLink(shared.resolve("link-hidden"), shared.resolve(".hidden"));
        Files.createDirectories(shared.resolve("logs"));
        Files.writeString(shared.resolve("logs/<img src=x onerror=alert(1)>.txt"), "x");
        Files.writeString(shared.resolve("logs/b & \"quotes\".log"), "12345");
        Files.writeString(shared.resolve("logs/a.log"), "1");
        Files.createDirectories(shared.resolve("logs/zz-directory"));
        Files.createSymbolicLink(shared.resolve("logs/out"), outside);
        Files.writeString(shared.resolve("logs/.env"), SECRET);
        open = TestServer.start("--no-auth", "--files", shared.toString(), "--files-list", "--", "sh");
    }

    @AfterAll
    static void stop() {
        open.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/files/../outside/secret", "/files/..%2foutside%2fsecret", "/files/..%2Foutside%2Fsecret",
            "/files/%2e%2e/outside/secret", "/files/%2E%2E/outside/secret", "/files/.%2e/outside/secret",
            "/files/%2e%2e%2foutside%2fsecret", "/files/..%5coutside%5csecret", "/files/..\\outside\\secret",
            "/files/%252e%252e/outside/secret", "/files/%252e%252e%252foutside%252fsecret", "/files/%c0%ae%c0%ae/outside/secret",
            "/files/%c0%ae%c0%ae%c0%afoutside%c0%afsecret", "/files/%e0%80%ae%e0%80%ae/outside/secret", "/files/link-out",
            "/files/link-dir-out/secret", "/files/link-dir-out/", "/files/.hidden", "/files/%2ehidden", "/files/link-hidden",
            "/files/.git/config", "/files/%2egit/config", "/files/hello.txt%00", "/files/hello.txt%00.png", "/files//outside/secret",
            "/files/%2f..%2foutside%2fsecret", "/files/logs/../../outside/secret", "/files/logs/%2e%2e/%2e%2e/outside/secret",
            "/files/logs/out/secret", "/files/logs/.env", "/%66iles/..%2foutside%2fsecret"})
    void noPathLeavesTheSharedDirectoryOrShowsAHiddenFile(String path) {
        RawHttp.Response response = RawHttp.exchange(open, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertTrue(response.status() == 400 || response.status() == 404, path + " answered " + response.status() + "\n" + response.head());
        assertFalse(response.body().contains(SECRET), path + " gave the secret away");
        assertEquals(200, RawHttp.exchange(open, "GET /files/hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .status(), "the server goes on");
    }

    @Test
    void followingLinksIsTheOperatorsChoice() {
        try (TestServer server = TestServer.start("--no-auth", "--files", shared.toString(), "--files-follow-symlinks", "--", "sh")) {
            RawHttp.Response response = RawHttp.exchange(server, "GET /files/link-out HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertEquals(200, response.status());
            assertEquals(SECRET, response.body());
            assertEquals(404, RawHttp.exchange(server, "GET /files/..%2foutside%2fsecret HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n").status(), "following links opens no other way out");
        }
    }

    @Test
    void aListingEscapesNamesSortsThemAndShowsOnlyWhatCanBeFetched() {
        HttpResponse<String> listing = open.get("files/logs/", Map.of());
        assertEquals(200, listing.statusCode());
        assertEquals("text/html; charset=utf-8", listing.headers().firstValue("Content-Type").orElseThrow());
        String html = listing.body();
        assertFalse(html.contains("<img"), html);
        assertTrue(html.contains(">&lt;img src=x onerror=alert(1)&gt;.txt</a>"), html);
        assertTrue(html.contains("href=\"%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.txt\""), html);
        assertTrue(html.contains(">b &amp; &quot;quotes&quot;.log</a></td><td class=\"size\">5</td>"), html);
        assertFalse(html.contains(".env") || html.contains(">out/<"), "hidden files and links out are not listed: " + html);
        int directory = html.indexOf(">zz-directory/<");
        int a = html.indexOf(">a.log<");
        int b = html.indexOf(">b &amp;");
        int script = html.indexOf(">&lt;img");
        assertTrue(directory > 0 && directory < script && script < a && a < b, "directories first, then by name: " + html);
        assertTrue(html.contains("<a href=\"../\">"), html);
        assertEquals(200, open.get("files/logs/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.txt", Map.of()).statusCode(),
                "a listed link fetches its file");
    }

    @Test
    void theSharedDirectoryNeedsTheLoginByDefault() {
        try (TestServer server = TestServer.start("--files", shared.toString(), "--", "sh")) {
            assertEquals(401, server.get("files/hello.txt", Map.of()).statusCode());
            assertEquals(401, server.get("files/", Map.of()).statusCode());
            HttpResponse<String> loggedIn = server.get("files/hello.txt", Map.of("Cookie", server.login()));
            assertEquals(200, loggedIn.statusCode());
            assertEquals("hello", loggedIn.body());
        }
    }

    @Test
    void aPublicDirectoryOpensTheFilesOnly() {
        try (TestServer server = TestServer.start("--files", shared.toString(), "--files-public", "--", "sh")) {
            assertEquals(200, server.get("files/hello.txt", Map.of()).statusCode());
            assertEquals(401, server.get("token", Map.of()).statusCode(), "the terminal still needs the login");
            assertEquals(401, server.get("api/terminals", Map.of()).statusCode());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/files/../token", "/files/%2e%2e/token", "/files/%2E%2E/token", "/files%2f..%2ftoken",
            "/files/..%2ftoken", "/files/./../token", "/files/../api/terminals", "/files/%2e%2e/api/terminals",
            "/files//../token", "/files/x/../../token", "/files/..;/token"})
    void aPublicDirectoryOpensNothingElseByDotSegments(String path) {
        try (TestServer server = TestServer.start("--files", shared.toString(), "--files-public", "--", "sh")) {
            RawHttp.Response response = RawHttp.exchange(server, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertTrue(response.status() >= 400, path + " answered " + response.status() + "\n" + response.head() + response.body());
            assertFalse(response.body().contains("\"token\""), path + " gave a terminal token away: " + response.body());
        }
    }

    @Test
    void aPublicDirectoryIsOpenEvenWithBasicCredentials() {
        try (TestServer server = TestServer.start("-c", "u:p", "--files", shared.toString(), "--files-public", "--", "sh")) {
            assertEquals(200, server.get("files/hello.txt", Map.of()).statusCode());
            assertEquals(401, server.get("", Map.of()).statusCode(), "the page still asks for the credential");
        }
        try (TestServer server = TestServer.start("-c", "u:p", "--files", shared.toString(), "--", "sh")) {
            assertEquals(401, server.get("files/hello.txt", Map.of()).statusCode());
        }
    }

    @ParameterizedTest(name = "--native {0}")
    @ValueSource(strings = {"on", "off"})
    void aFileDeletedWhileSentStillArrivesWhole(String nativeMode) throws Exception {
        Path doomed = shared.resolve("deleted.bin");
        long length = 64L << 20;
        try (RandomAccessFile file = new RandomAccessFile(doomed.toFile(), "rw")) {
            file.setLength(length);
        }
        try (TestServer server = TestServer.start("--no-auth", "--native", nativeMode, "--files", shared.toString(), "--", "sh");
             Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", server.server().port()), 20_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /files/deleted.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertTrue(HttpHead.read(in).startsWith("HTTP/1.1 200"));
            assertEquals(1024, in.readNBytes(1024).length, "the body has begun");
            Files.delete(doomed);
            long received = 1024;
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = in.read(chunk)) >= 0; ) {
                received += n;
            }
            // The open file outlives its name (POSIX): the response that had opened it goes on to its end.
            assertEquals(length, received);
            assertEquals(404, server.get("files/deleted.bin", Map.of()).statusCode());
            assertEquals(200, server.get("files/hello.txt", Map.of()).statusCode(), "the server goes on");
        }
    }

    @ParameterizedTest(name = "--native {0}")
    @ValueSource(strings = {"on", "off"})
    void aFileTruncatedWhileSentEndsThatResponseAndTheServerGoesOn(String nativeMode) throws Exception {
        Path growing = shared.resolve("truncated.bin");
        long length = 64L << 20;
        try (RandomAccessFile file = new RandomAccessFile(growing.toFile(), "rw")) {
            file.setLength(length); // sparse: 64 MiB of zeros, more than every socket buffer between us holds
        }
        try (TestServer server = TestServer.start("--no-auth", "--native", nativeMode, "--files", shared.toString(), "--", "sh");
             Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", server.server().port()), 20_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /files/truncated.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = HttpHead.read(in);
            Matcher contentLength = Pattern.compile("\r\nContent-Length: (\\d+)\r\n").matcher(head);
            assertTrue(contentLength.find(), head);
            assertEquals(length, Long.parseLong(contentLength.group(1)));
            assertEquals(1024, in.readNBytes(1024).length, "the body has begun");
            try (FileChannel channel = FileChannel.open(growing, StandardOpenOption.WRITE)) {
                channel.truncate(1 << 20);
            }
            long received = 1024;
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = in.read(chunk)) >= 0; ) {
                received += n;
            }
            assertTrue(received < length, "the connection ended after " + received + " bytes, short of the " + length + " promised");
            assertEquals(200, server.get("files/hello.txt", Map.of()).statusCode(), "the server goes on");
        } finally {
            Files.deleteIfExists(growing);
        }
    }
}
