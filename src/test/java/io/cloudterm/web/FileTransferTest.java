package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mindrot.jbcrypt.BCrypt;

/**
 * Files in and out of a terminal over HTTP, against a real server and a real shell: uploads land in
 * the shell's current directory, bounded, never over a file unless asked, under plain names only;
 * downloads send a file a program names; only the terminal's owner, or someone in control of it
 * through a control link right now, may do either.
 */
class FileTransferTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern OFFER = Pattern.compile("\u001b\\]7681;download;([0-9a-f]+)\u0007");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Alice's shell on a server with accounts for alice and bob, moved into {@code work}. */
    private record Shell(TestServer server, String alice, String bob, String handle, TtyClient client, Path work)
            implements AutoCloseable {
        @Override
        public void close() {
            client.abort();
            server.close();
        }
    }

    private Shell aliceShell(String... options) throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("a", BCrypt.gensalt(4)) + "\nbob:" + BCrypt.hashpw("b", BCrypt.gensalt(4)) + "\n");
        List<String> args = new ArrayList<>(List.of("--users", users.toString()));
        args.addAll(List.of(options));
        args.addAll(List.of("--", "sh"));
        TestServer server = TestServer.start(args.toArray(String[]::new));
        String alice = server.login("alice", "a");
        String bob = server.login("bob", "b");
        TtyClient client = TtyClient.connect(server.ws(), Map.of("Cookie", alice))
                .handshake(server.terminalToken(Map.of("Cookie", alice)), 80, 24);
        String handle = io.cloudterm.web.Shell.terminalInfo(client)[0];
        Path work = Files.createDirectories(dir.resolve("work dir")).toRealPath();
        client.input("cd '" + work + "'\r");
        return new Shell(server, alice, bob, handle, client, work);
    }

    /** Waits until the server sees the shell in its work directory (the cd has run). */
    private void awaitInWork(Shell shell) {
        await().atMost(WAIT).until(() -> info(shell).getString("directory", ""), shell.work().toString()::equals);
    }

    private JsonObject info(Shell shell) throws Exception {
        HttpResponse<String> response = get(shell, "", shell.alice());
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private HttpResponse<String> put(Shell shell, String name, byte[] body, String cookie) throws Exception {
        return put(shell, name, HttpRequest.BodyPublishers.ofByteArray(body), cookie, Map.of());
    }

    private HttpResponse<String> put(Shell shell, String name, HttpRequest.BodyPublisher body, String cookie,
                                     Map<String, String> headers) throws Exception {
        // The whole body goes out before the answer comes: generous, for 200 MB on a busy machine.
        HttpRequest.Builder request = HttpRequest.newBuilder(shell.server().url("api/terminals/" + shell.handle() + "/files/" + name))
                .timeout(Duration.ofMinutes(5)).PUT(body).header("Cookie", cookie);
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(Shell shell, String query, String cookie) throws Exception {
        return http.send(HttpRequest.newBuilder(shell.server().url("api/terminals/" + shell.handle() + "/files" + query))
                .timeout(WAIT).header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String query(Path path) {
        return "?path=" + java.net.URLEncoder.encode(path.toString(), StandardCharsets.UTF_8).replace("+", "%20");
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void anUploadLandsInTheDirectoryTheShellMovedTo(String nativeMode) throws Exception {
        try (Shell shell = aliceShell("--native", nativeMode)) {
            awaitInWork(shell);
            byte[] bytes = "hello from the page\n".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> response = put(shell, "greeting.txt", bytes, shell.alice());
            assertEquals(201, response.statusCode(), response.body());
            assertArrayEquals(bytes, Files.readAllBytes(shell.work().resolve("greeting.txt")));
            // The shell sees it where it is, and no temporary file is left beside it.
            shell.client().input("cat greeting.txt; ls -A | wc -l\r");
            shell.client().awaitOutput("hello from the page\r\n1\r\n", WAIT);
        }
    }

    @Test
    void uploadsAreBoundedAtTheLimitExactly() throws Exception {
        try (Shell shell = aliceShell("--upload-max", "1K")) {
            awaitInWork(shell);
            byte[] limit = new byte[1024];
            new Random(1).nextBytes(limit);
            assertEquals(201, put(shell, "at-limit", limit, shell.alice()).statusCode());
            assertArrayEquals(limit, Files.readAllBytes(shell.work().resolve("at-limit")));

            HttpResponse<String> over = put(shell, "over-limit", new byte[1025], shell.alice());
            assertEquals(413, over.statusCode());
            assertTrue(over.body().contains("upload limit of 1 KiB"), over.body());
            assertFalse(Files.exists(shell.work().resolve("over-limit")));

            // A huge declared length is refused from the headers alone, before any of the body is sent.
            RawHttp.Response huge = RawHttp.exchange(shell.server(), java.net.InetAddress.getLoopbackAddress(),
                    "PUT /api/terminals/" + shell.handle() + "/files/huge HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + shell.alice()
                            + "\r\nContent-Length: 10000000000\r\n\r\n");
            assertEquals(413, huge.status(), huge.head());
            assertTrue(huge.body().contains("upload limit"), huge.body());
            try (Stream<Path> left = Files.list(shell.work())) {
                assertEquals(List.of("at-limit"), left.map(p -> p.getFileName().toString()).toList(), "nothing else kept");
            }
        }
    }

    @Test
    void largeBodiesAreRefusedEverywhereButTheUploadRoute() throws Exception {
        try (Shell shell = aliceShell()) {
            RawHttp.Response login = RawHttp.exchange(shell.server(), java.net.InetAddress.getLoopbackAddress(),
                    "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n");
            assertEquals(413, login.status(), login.head());
        }
    }

    @Test
    void aTakenNameIsReplacedOnlyWhenAsked() throws Exception {
        try (Shell shell = aliceShell()) {
            awaitInWork(shell);
            Path notes = Files.writeString(shell.work().resolve("notes.txt"), "mine\n");
            HttpResponse<String> refused = put(shell, "notes.txt", "theirs\n".getBytes(StandardCharsets.UTF_8), shell.alice());
            assertEquals(409, refused.statusCode());
            assertTrue(refused.body().contains("notes.txt exists already"), refused.body());
            assertEquals("mine\n", Files.readString(notes));

            assertEquals(201, put(shell, "notes.txt?overwrite=1", "theirs\n".getBytes(StandardCharsets.UTF_8), shell.alice()).statusCode());
            assertEquals("theirs\n", Files.readString(notes));

            assertEquals(201, put(shell, "empty", new byte[0], shell.alice()).statusCode());
            assertEquals(0, Files.size(shell.work().resolve("empty")));

            Files.createDirectory(shell.work().resolve("folder"));
            assertEquals(409, put(shell, "folder?overwrite=1", new byte[3], shell.alice()).statusCode(), "a directory is never replaced");
            assertTrue(Files.isDirectory(shell.work().resolve("folder")));
        }
    }

    @Test
    void namesThatAreNotOnePlainFileNameAreRefused() throws Exception {
        try (Shell shell = aliceShell()) {
            awaitInWork(shell);
            Map<String, String> reasons = new java.util.LinkedHashMap<>();
            reasons.put("a%2Fb", "slash");
            reasons.put("%2E", "cannot be . or ..");
            reasons.put("%2E%2E", "cannot be . or ..");
            reasons.put("a%00b", "control characters");
            reasons.put("%1B%5B31mred", "control characters");
            reasons.put("a%0Ab", "control characters");
            reasons.put("txt.%E2%80%AEexe", "bidirectional");
            reasons.put("x".repeat(256), "longer than 255 bytes");
            reasons.put("%C3%28", "not valid percent-encoded UTF-8");
            reasons.put("", "empty");
            for (Map.Entry<String, String> bad : reasons.entrySet()) {
                HttpResponse<String> response = put(shell, bad.getKey(), new byte[1], shell.alice());
                assertEquals(400, response.statusCode(), bad.getKey() + ": " + response.body());
                assertTrue(response.body().contains(bad.getValue()), bad.getKey() + ": " + response.body());
            }
            // A broken escape, which HttpClient will not send.
            RawHttp.Response broken = RawHttp.exchange(shell.server(), java.net.InetAddress.getLoopbackAddress(),
                    "PUT /api/terminals/" + shell.handle() + "/files/bad%2 HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + shell.alice()
                            + "\r\nContent-Length: 1\r\n\r\nx");
            assertEquals(400, broken.status(), broken.head());
            try (Stream<Path> left = Files.list(shell.work())) {
                assertEquals(List.of(), left.toList(), "nothing was written");
            }
            assertEquals(201, put(shell, "x".repeat(255), new byte[1], shell.alice()).statusCode(), "255 bytes is a name");
            assertEquals(201, put(shell, "caf%C3%A9%20menu.txt", new byte[1], shell.alice()).statusCode());
            assertTrue(Files.exists(shell.work().resolve("café menu.txt")));
        }
    }

    @Test
    void onlyTheOwnerLearnsTheTerminalExists() throws Exception {
        try (Shell shell = aliceShell()) {
            awaitInWork(shell);
            Path secret = Files.writeString(dir.resolve("secret"), "s");
            // Bob holds a control link, but is not using it: he is not in control, and learns nothing.
            shell.server().shareToken(shell.handle(), shell.alice(), "control");
            assertEquals(404, put(shell, "x", new byte[1], shell.bob()).statusCode());
            assertEquals(404, get(shell, query(secret), shell.bob()).statusCode());
            assertEquals(404, get(shell, "", shell.bob()).statusCode());
            assertEquals(401, put(shell, "x", new byte[1], "none=1").statusCode());
            RawHttp.Response stranger = RawHttp.exchange(shell.server(), java.net.InetAddress.getLoopbackAddress(),
                    "PUT /api/terminals/" + shell.handle() + "/files/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000000\r\n\r\n");
            assertEquals(401, stranger.status(), stranger.head());
            assertTrue(stranger.head().toLowerCase(java.util.Locale.ROOT).contains("connection: close"),
                    "a refused upload's body is not read for nothing: " + stranger.head());
            assertEquals(403, put(shell, "x", HttpRequest.BodyPublishers.ofByteArray(new byte[1]), shell.alice(),
                    Map.of("Origin", "https://evil.example")).statusCode(), "a page of another site cannot upload");
            try (Stream<Path> left = Files.list(shell.work())) {
                assertEquals(List.of(), left.toList());
            }
        }
    }

    @Test
    void someoneInControlThroughAControlLinkMovesFilesUntilTheyLeaveOrTheLinkIsRevoked() throws Exception {
        try (Shell shell = aliceShell()) {
            awaitInWork(shell);
            String link = shell.server().shareToken(shell.handle(), shell.alice(), "control");
            assertEquals(404, put(shell, "early.txt", new byte[1], shell.bob()).statusCode(), "not attached: not in control");

            TtyClient helper = shell.server().joinShared(shell.handle(), shell.bob(), link);
            io.cloudterm.web.Shell.terminalInfo(helper);
            byte[] bytes = "from bob\n".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> uploaded = put(shell, "from-bob.txt", bytes, shell.bob());
            assertEquals(201, uploaded.statusCode(), uploaded.body());
            assertArrayEquals(bytes, Files.readAllBytes(shell.work().resolve("from-bob.txt")));
            assertEquals(shell.work().toString(), Json.createReader(new StringReader(get(shell, "", shell.bob()).body()))
                    .readObject().getString("directory"), "he learns where uploads land");
            Path report = Files.writeString(dir.resolve("report.txt"), "for bob");
            HttpResponse<String> downloaded = get(shell, query(report), shell.bob());
            assertEquals(200, downloaded.statusCode(), downloaded.body());
            assertEquals("for bob", downloaded.body());
            assertEquals(201, put(shell, "from-alice.txt", new byte[2], shell.alice()).statusCode(), "the owner still does");
            // What reaches the shell: the files, and nothing typed into it by the transfers.
            shell.client().input("cat from-bob.txt; ls -1\r");
            shell.client().awaitOutput("from bob\r\nfrom-alice.txt\r\nfrom-bob.txt\r\n", WAIT);

            helper.close();
            await().atMost(WAIT).until(() -> put(shell, "after-leaving.txt", new byte[1], shell.bob()).statusCode() == 404);

            TtyClient back = shell.server().joinShared(shell.handle(), shell.bob(), link);
            io.cloudterm.web.Shell.terminalInfo(back);
            assertEquals(201, put(shell, "back.txt", new byte[1], shell.bob()).statusCode());
            for (String id : shareIds(shell)) {
                assertEquals(204, shell.server().delete("api/terminals/" + shell.handle() + "/shares/" + id,
                        Map.of("Cookie", shell.alice())).statusCode());
            }
            // At once: the revoke is answered only after the link is gone.
            assertEquals(404, put(shell, "after-revoke.txt", new byte[1], shell.bob()).statusCode());
            assertEquals(404, get(shell, query(report), shell.bob()).statusCode());
            assertFalse(Files.exists(shell.work().resolve("after-leaving.txt")));
            assertFalse(Files.exists(shell.work().resolve("after-revoke.txt")));
            back.abort();
        }
    }

    @Test
    void aViewerMovesNoFiles() throws Exception {
        try (Shell shell = aliceShell()) {
            awaitInWork(shell);
            Path secret = Files.writeString(dir.resolve("secret"), "s");
            TtyClient viewer = shell.server().joinShared(shell.handle(), shell.bob(),
                    shell.server().shareToken(shell.handle(), shell.alice(), "view"));
            io.cloudterm.web.Shell.terminalInfo(viewer);
            assertEquals(404, put(shell, "x", new byte[1], shell.bob()).statusCode());
            assertEquals(404, get(shell, query(secret), shell.bob()).statusCode());
            assertEquals(404, get(shell, "", shell.bob()).statusCode());
            try (Stream<Path> left = Files.list(shell.work())) {
                assertEquals(List.of(), left.toList());
            }
            viewer.abort();
        }
    }

    private static List<String> shareIds(Shell shell) {
        HttpResponse<String> response = shell.server().get("api/terminals/" + shell.handle() + "/shares",
                Map.of("Cookie", shell.alice()));
        return Json.createReader(new StringReader(response.body())).readObject().getJsonArray("shares")
                .getValuesAs(JsonObject.class).stream().map(o -> o.getString("id")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--readonly", "--no-transfer"})
    void transferIsOffOnAReadOnlyServerAndWhenTurnedOff(String option) throws Exception {
        try (Shell shell = aliceShell(option)) {
            Path file = Files.writeString(dir.resolve("file"), "f");
            HttpResponse<String> upload = put(shell, "x", new byte[1], shell.alice());
            assertEquals(403, upload.statusCode());
            assertTrue(upload.body().contains("file transfer is"), upload.body());
            assertEquals(403, get(shell, query(file), shell.alice()).statusCode());
            assertEquals(403, get(shell, "", shell.alice()).statusCode());
            if (option.equals("--no-transfer")) {
                // The terminals get no cloudterm-download either (on a read-only server nobody can type to ask).
                shell.client().input("command -v cloudterm-download || echo none-here\r");
                shell.client().awaitOutput("none-here", WAIT);
            }
        }
    }

    @Test
    void aDownloadSendsTheFileAsAnAttachment() throws Exception {
        try (Shell shell = aliceShell()) {
            byte[] bytes = new byte[300_000];
            new Random(2).nextBytes(bytes);
            Path report = Files.write(dir.resolve("rapport été.pdf"), bytes);
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(shell.server().url("api/terminals/" + shell.handle()
                    + "/files" + query(report))).header("Cookie", shell.alice()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertArrayEquals(bytes, response.body());
            assertEquals("300000", response.headers().firstValue("Content-Length").orElseThrow());
            assertEquals("attachment; filename=\"rapport _t_.pdf\"; filename*=UTF-8''rapport%20%C3%A9t%C3%A9.pdf",
                    response.headers().firstValue("Content-Disposition").orElseThrow());
            assertEquals("application/octet-stream", response.headers().firstValue("Content-Type").orElseThrow());
        }
    }

    @Test
    void onlyReadableRegularFilesNamedByAnAbsolutePathCanBeDownloaded() throws Exception {
        try (Shell shell = aliceShell()) {
            HttpResponse<String> directory = get(shell, query(dir), shell.alice());
            assertEquals(400, directory.statusCode());
            assertTrue(directory.body().contains("is a directory"), directory.body());
            assertEquals(404, get(shell, query(dir.resolve("missing")), shell.alice()).statusCode());
            assertEquals(400, get(shell, "?path=relative/file", shell.alice()).statusCode());
        }
    }

    @Test
    void cloudtermDownloadOffersFilesByTheirAbsolutePathAndRefusesDirectories() throws Exception {
        try (Shell shell = aliceShell()) {
            awaitInWork(shell);
            Files.writeString(shell.work().resolve("a;b\u0007.txt"), "x");
            shell.client().input("cloudterm-download 'a;b\u0007.txt'\r");
            Matcher offer = shell.client().awaitMatch(OFFER, WAIT);
            assertEquals(shell.work().resolve("a;b\u0007.txt").toString(),
                    new String(HexFormat.of().parseHex(offer.group(1)), StandardCharsets.UTF_8));
            shell.client().input("mkdir sub; cloudterm-download sub; echo status=$?\r");
            shell.client().awaitOutput("sub is a directory", WAIT);
            shell.client().awaitOutput("status=1", WAIT);
        }
    }

    /** The default command is a login shell, whose profile may set PATH anew (Debian's /etc/profile does). */
    @Test
    void aLoginBashHasCloudtermDownloadWhateverItsProfileDoesToPath() throws Exception {
        Path file = Files.writeString(dir.resolve("b.txt"), "y");
        try (TestServer server = TestServer.start("--no-auth", "--", "bash", "--login");
             TtyClient client = server.open(80, 24)) {
            client.input("PATH=/usr/bin:/bin; cloudterm-download '" + file + "'\r");
            client.awaitOutput(HexFormat.of().formatHex(file.toString().getBytes(StandardCharsets.UTF_8)), WAIT);
        }
    }

    /**
     * 200 MB arrive whole (SHA-256), and they reach the disk as they come: the upload's body
     * stops halfway until the temporary file beside the target holds most of that half.
     */
    @Test
    void aLargeUploadStreamsToTheDiskAndArrivesIntact() throws Exception {
        try (Shell shell = aliceShell()) {
            awaitInWork(shell);
            long total = 200L << 20;
            long half = total / 2;
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            AtomicBoolean sawPartOnDisk = new AtomicBoolean();
            InputStream body = new InputStream() {
                private final Random random = new Random(3);
                private long position;

                @Override
                public int read() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (position == total) {
                        return -1;
                    }
                    if (position == half && !sawPartOnDisk.get()) {
                        await().atMost(WAIT).until(() -> partialBytes(shell.work()) >= half / 2);
                        sawPartOnDisk.set(true);
                    }
                    int n = (int) Math.min(len, (position < half ? half : total) - position);
                    byte[] chunk = new byte[n];
                    random.nextBytes(chunk);
                    System.arraycopy(chunk, 0, b, off, n);
                    sent.update(chunk);
                    position += n;
                    return n;
                }
            };
            HttpResponse<String> response = put(shell, "big.bin",
                    HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), total),
                    shell.alice(), Map.of());
            assertEquals(201, response.statusCode(), response.body());
            assertTrue(sawPartOnDisk.get());
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(shell.work().resolve("big.bin"))) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    received.update(buffer, 0, n);
                }
            }
            assertArrayEquals(sent.digest(), received.digest());
            assertEquals(total, Files.size(shell.work().resolve("big.bin")));
        }
    }

    @Test
    void anUploadCutOffMidwayLeavesNothingBehind() throws Exception {
        try (LogRecords log = LogRecords.capture(); Shell shell = aliceShell()) {
            awaitInWork(shell);
            try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), shell.server().server().port())) {
                socket.getOutputStream().write(("PUT /api/terminals/" + shell.handle() + "/files/cut.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Cookie: " + shell.alice() + "\r\nContent-Length: 10000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(new byte[1 << 20]);
                socket.getOutputStream().flush();
                await().atMost(WAIT).until(() -> partialBytes(shell.work()) > 0);
            } // the browser tab closed, the network went away
            await().atMost(WAIT).until(() -> {
                try (Stream<Path> left = Files.list(shell.work())) {
                    return left.toList().isEmpty();
                }
            });
            // The server goes on, without a stack trace in its log for a client that left.
            assertEquals(201, put(shell, "after.txt", new byte[1], shell.alice()).statusCode());
            assertEquals(List.of(), log.traces());
        }
    }

    private static long partialBytes(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void transfersAreAudited() throws Exception {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger audit = java.util.logging.Logger.getLogger("io.cloudterm.audit");
        audit.addHandler(capture);
        try (Shell shell = aliceShell()) {
            awaitInWork(shell);
            TtyClient helper = shell.server().joinShared(shell.handle(), shell.bob(),
                    shell.server().shareToken(shell.handle(), shell.alice(), "control"));
            io.cloudterm.web.Shell.terminalInfo(helper);
            assertEquals(201, put(shell, "by-bob.txt", new byte[7], shell.bob()).statusCode());
            assertTrue(lines.stream().anyMatch(l -> l.contains(" upload user=\"bob\" owner=\"alice\"") && l.endsWith("bytes=7")),
                    "who moved it, and whose terminal it is: " + lines);
            helper.abort();
            assertEquals(201, put(shell, "audited.txt", new byte[42], shell.alice()).statusCode());
            assertEquals(200, get(shell, query(shell.work().resolve("audited.txt")), shell.alice()).statusCode());
            assertEquals(409, put(shell, "audited.txt", new byte[1], shell.alice()).statusCode());
            String file = shell.work().resolve("audited.txt").toString();
            assertTrue(lines.stream().anyMatch(l -> l.contains(" upload user=\"alice\"") && l.contains("file=\"" + file + "\"")
                    && l.endsWith("bytes=42")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains(" download user=\"alice\"") && l.endsWith("bytes=42")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains("refused user=\"alice\"") && l.contains("exists already")), lines.toString());
        } finally {
            audit.removeHandler(capture);
        }
    }
}
