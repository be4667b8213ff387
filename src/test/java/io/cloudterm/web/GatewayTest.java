package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.auth.GatewayKeys;
import io.cloudterm.auth.IdentitySigner;
import io.cloudterm.auth.KeyFiles;
import io.cloudterm.cli.CloudTerm;
import io.cloudterm.client.TtyClient;
import io.cloudterm.gateway.HostAddress;
import io.cloudterm.gateway.HostCalls;
import io.cloudterm.gateway.HostHandles;
import io.cloudterm.gateway.Placement;
import io.cloudterm.protocol.CloseCodes;
import io.cloudterm.websocket.ClientFrames;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mindrot.jbcrypt.BCrypt;

/**
 * A gateway in front of CloudTerm hosts on loopback addresses of their own (127.0.0.2, .3, .4):
 * where a terminal goes, who the host thinks the user is, that hosts take nobody but the
 * gateway's users, and what a client is told when a host cannot be reached or goes away.
 */
class GatewayTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> HOST_ADDRESSES = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");

    @TempDir
    Path dir;

    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable server : running.reversed()) {
            server.close();
        }
    }

    @ParameterizedTest(name = "gateway native={0}")
    @ValueSource(strings = {"on", "off"})
    void aNewTerminalOpensOnTheUsersHostAndItsChildKnowsTheUser(String mode) throws Exception {
        Keys key = keys("gateway");
        List<TestServer> hosts = hosts(key, "sh");
        TestServer gateway = gateway(key, staticHosts(hosts), "--native", mode);
        try (TtyClient client = open(gateway, null)) {
            client.input("echo user=$CLOUDTERM_USER.\r");
            client.awaitOutput("user=token.", WAIT);

            HostAddress chosen = Placement.byUser().order("token", addresses(hosts), h -> 0).getFirst();
            for (TestServer host : hosts) {
                boolean isChosen = host.server().url().getHost().equals(chosen.host());
                assertEquals(isChosen ? 1 : 0, host.server().terminals().size(), "the terminal runs on " + chosen + " only");
            }
            String handle = Shell.terminalInfo(client)[0];
            assertEquals(chosen.toString(), HostHandles.host(handle).orElseThrow(), "the handle names its host: " + handle);
        }
    }

    @Test
    void aTerminalIsFoundAgainThroughAnotherGateway() throws Exception {
        Keys key = keys("gateway");
        List<TestServer> hosts = hosts(key, "sh");
        TestServer first = gateway(key, staticHosts(hosts));
        TestServer second = gateway(key, staticHosts(hosts));
        String handle;
        long pid;
        try (TtyClient client = open(first, null)) {
            handle = Shell.terminalInfo(client)[0];
            pid = Shell.pid(client);
            client.abort(); // the connection drops; the terminal lives on for its keep-alive
        }
        try (TtyClient again = open(second, handle)) {
            assertEquals("true", Shell.terminalInfo(again)[1], "reattached");
            assertEquals(pid, Shell.pid(again), "the same shell, through a gateway that never saw it");
        }
    }

    @Test
    void theTerminalsPageListsTheUsersTerminalsOnEveryHostAndEndsOneWhereItRuns() throws Exception {
        Keys key = keys("gateway");
        List<TestServer> hosts = hosts(key, "sh");
        TestServer gateway = gateway(key, staticHosts(hosts), "--placement", "least-loaded");
        String cookie = gateway.login();
        List<TtyClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                TtyClient client = open(gateway, cookie, null);
                Shell.terminalInfo(client);
                clients.add(client);
            }
            for (TestServer host : hosts) {
                assertEquals(1, host.server().terminals().size(), "least loaded: one terminal on each host");
            }
            clients.forEach(client -> client.input("echo glance-$((40+2))\r"));
            clients.forEach(client -> client.awaitOutput("glance-42", WAIT));
            HttpResponse<String> listed = gateway.get("api/terminals", Map.of("Cookie", cookie));
            assertEquals(200, listed.statusCode(), listed.body());
            JsonArray terminals = Json.createReader(new StringReader(listed.body())).readObject().getJsonArray("terminals");
            assertEquals(3, terminals.size(), listed.body());
            Set<String> named = new HashSet<>();
            for (JsonValue entry : terminals) {
                String handle = entry.asJsonObject().getString("terminal");
                String host = entry.asJsonObject().getString("host");
                assertEquals(host, HostHandles.host(handle).orElseThrow(), "the handle names the host it is listed on");
                named.add(host);
                assertEquals("sh", entry.asJsonObject().getString("program"), "the hosts' fields come through: " + entry);
                HttpResponse<String> glance = gateway.get("api/terminals/" + handle + "/glance", Map.of("Cookie", cookie));
                assertEquals(200, glance.statusCode(), glance.body());
                assertTrue(glance.body().lines().anyMatch("glance-42"::equals), "a glance, from the terminal's host: " + glance.body());
            }
            assertEquals(Set.copyOf(addresses(hosts).stream().map(HostAddress::toString).toList()), named);

            String first = terminals.getJsonObject(0).getString("terminal");
            HttpResponse<String> ended = gateway.delete("api/terminals/" + first, Map.of("Cookie", cookie));
            assertEquals(204, ended.statusCode(), ended.body());
            TestServer itsHost = hosts.get(addresses(hosts).stream().map(HostAddress::toString).toList()
                    .indexOf(HostHandles.host(first).orElseThrow()));
            itsHost.awaitNoTerminals();
            assertEquals(404, gateway.delete("api/terminals/" + HostHandles.named("127.0.0.99:1", "A".repeat(22)),
                    Map.of("Cookie", cookie)).statusCode(), "a handle of no known host goes nowhere");
        } finally {
            clients.forEach(TtyClient::abort);
        }
    }

    /** Files are not relayed yet: the gateway says so, and never takes an upload's body in. */
    @Test
    void filesGoThroughAGatewayBothWaysStreamed(@TempDir Path work) throws Exception {
        Keys key = keys("gateway");
        List<TestServer> hosts = hosts(key, "sh");
        TestServer gateway = gateway(key, staticHosts(hosts));
        String cookie = gateway.login();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        try (TtyClient client = open(gateway, cookie, null)) {
            String handle = Shell.terminalInfo(client)[0];
            Path real = work.toRealPath();
            client.input("cd '" + real + "' && echo in-work\r");
            client.awaitOutput("in-work", WAIT);

            // Up: 16 MB to the directory the shell is in, on its host. Streamed: the body stops halfway
            // until the host's disk holds most of that half, which a gateway that gathered it first never lets happen.
            byte[] bytes = new byte[16 << 20];
            new Random(7).nextBytes(bytes);
            int half = bytes.length / 2;
            java.io.InputStream halted = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(bytes, 0, half),
                    new java.io.InputStream() {
                        private java.io.InputStream rest;

                        @Override
                        public int read() throws IOException {
                            byte[] one = new byte[1];
                            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                        }

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            if (rest == null) {
                                await().atMost(WAIT).until(() -> partialBytes(real) >= half / 2);
                                rest = new java.io.ByteArrayInputStream(bytes, half, bytes.length - half);
                            }
                            return rest.read(b, off, len);
                        }
                    });
            HttpResponse<String> up = http.send(java.net.http.HttpRequest.newBuilder(gateway.url("api/terminals/" + handle + "/files/up.bin"))
                    .timeout(Duration.ofMinutes(2)).header("Cookie", cookie)
                    .PUT(java.net.http.HttpRequest.BodyPublishers.fromPublisher(
                            java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> halted), bytes.length)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, up.statusCode(), up.body());
            await().atMost(WAIT).until(() -> Files.exists(real.resolve("up.bin")) && Files.size(real.resolve("up.bin")) == bytes.length);
            assertEquals(sha256(bytes), sha256(Files.readAllBytes(real.resolve("up.bin"))));
            HttpResponse<String> again = http.send(java.net.http.HttpRequest.newBuilder(gateway.url("api/terminals/" + handle + "/files/up.bin"))
                    .timeout(WAIT).header("Cookie", cookie).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(409, again.statusCode(), "the host's rules hold through the gateway: " + again.body());

            // Down: the whole file as an attachment, then a range of it.
            String query = "?path=" + java.net.URLEncoder.encode(real.resolve("up.bin").toString(), StandardCharsets.UTF_8);
            HttpResponse<byte[]> down = http.send(java.net.http.HttpRequest.newBuilder(gateway.url("api/terminals/" + handle + "/files" + query))
                    .timeout(WAIT).header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, down.statusCode());
            assertEquals(sha256(bytes), sha256(down.body()));
            assertTrue(down.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"), down.headers().toString());
            HttpResponse<byte[]> range = http.send(java.net.http.HttpRequest.newBuilder(gateway.url("api/terminals/" + handle + "/files" + query))
                    .timeout(WAIT).header("Cookie", cookie).header("Range", "bytes=100-199").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, range.statusCode());
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 100, 200), range.body());
        }
    }

    @Test
    void aRecordingIsListedAndDownloadedThroughTheGateway(@TempDir Path casts) throws Exception {
        Keys key = keys("gateway");
        TestServer host = TestServer.start("--interface", HOST_ADDRESSES.getFirst(), "--trust-gateway", key.hosts().toString(),
                "--record", casts.toString(), "--", "sh");
        running.add(host);
        TestServer gateway = gateway(key, "static:" + host.server().url().getAuthority());
        String cookie = gateway.login();
        String handle;
        try (TtyClient client = open(gateway, cookie, null)) {
            handle = Shell.terminalInfo(client)[0];
            client.input("echo recorded-wo''rds; exit\r");
            client.awaitClose(WAIT);
        }
        HttpResponse<String> list = gateway.get("api/recordings", Map.of("Cookie", cookie));
        assertTrue(list.body().contains("\"terminal\":\"" + handle + "\""), "named by the gateway's handle: " + list.body());
        HttpResponse<String> download = gateway.get("api/recordings/" + handle, Map.of("Cookie", cookie));
        assertEquals(200, download.statusCode(), download.body());
        assertTrue(download.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment;"), download.headers().toString());
        assertTrue(download.body().contains("recorded-words"), download.body());
    }

    private static long partialBytes(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /**
     * A thousand users' worth of terminals through one gateway at once (least-loaded over three
     * hosts), each echoing what its client types, then all gone: no relay is left behind.
     */
    @Test
    void aThousandRelayedTerminalsEachEchoTheirOwnKeysAndAllEnd() throws Exception {
        int terminals = 1000;
        Keys key = keys("gateway");
        List<TestServer> hosts = new ArrayList<>();
        for (String address : HOST_ADDRESSES) {
            TestServer host = TestServer.start("--interface", address, "--trust-gateway", key.hosts().toString(), "--keep-alive", "0",
                    "--max-terminals", "1000", "--max-terminals-per-user", "1000", "--", "cat");
            running.add(host);
            hosts.add(host);
        }
        TestServer gateway = gateway(key, staticHosts(hosts), "--placement", "least-loaded");
        String cookie = gateway.login();
        List<TtyClient> clients = java.util.Collections.synchronizedList(new ArrayList<>());
        try (var openers = java.util.concurrent.Executors.newFixedThreadPool(16, Thread.ofVirtual().factory())) {
            List<java.util.concurrent.Future<?>> opened = new ArrayList<>();
            for (int i = 0; i < terminals; i++) {
                String marker = "key" + i + ".";
                opened.add(openers.submit(() -> {
                    TtyClient client = open(gateway, cookie, null);
                    clients.add(client);
                    client.input(marker);
                    client.awaitOutput(marker, Duration.ofSeconds(60));
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> each : opened) {
                each.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        assertEquals(terminals, hosts.stream().mapToInt(h -> h.server().terminals().size()).sum());
        for (TestServer host : hosts) {
            int here = host.server().terminals().size();
            // Spread evenly, give or take what the hosts had not yet reported while terminals were opening.
            assertTrue(here >= terminals / 3 - 50 && here <= terminals / 3 + 50, "least loaded: spread evenly, " + here);
        }
        assertEquals(terminals, relaysOpen(gateway, cookie));
        clients.forEach(TtyClient::close);
        hosts.forEach(TestServer::awaitNoTerminals);
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> relaysOpen(gateway, cookie) == 0);
    }

    private static long relaysOpen(TestServer gateway, String cookie) {
        String metrics = gateway.get("observe/metrics", Map.of("Cookie", cookie)).body();
        java.util.regex.Matcher open = java.util.regex.Pattern.compile("(?m)^cloudterm_gateway_relays\\S* (\\S+)$").matcher(metrics);
        if (!open.find()) {
            throw new AssertionError("no cloudterm_gateway_relays in " + metrics);
        }
        return (long) Double.parseDouble(open.group(1));
    }

    /**
     * A share link made through a gateway works through any gateway: the guest's identity (or a
     * visitor's, for someone with no login) and the link's token reach the owner's host.
     */
    @Test
    void aShareLinkMadeThroughTheGatewayLetsAnotherUserWatchUntilRevoked() throws Exception {
        Keys key = keys("gateway");
        List<TestServer> hosts = hosts(key, "sh");
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + BCrypt.hashpw("a", BCrypt.gensalt(4)) + "\nbob:" + BCrypt.hashpw("b", BCrypt.gensalt(4)) + "\n");
        TestServer gateway = gateway(key, staticHosts(hosts), "--users", users.toString());
        String alice = gateway.login("alice", "a");
        String bob = gateway.login("bob", "b");
        try (TtyClient owner = TtyClient.connect(gateway.ws(), Map.of("Cookie", alice))
                .handshake(gateway.terminalToken(Map.of("Cookie", alice)), 80, 24)) {
            String handle = Shell.terminalInfo(owner)[0];
            HttpResponse<String> shared = gateway.post("api/terminals/" + handle + "/shares", "access=view&signedInOnly=false",
                    Map.of("Cookie", alice));
            assertEquals(201, shared.statusCode(), shared.body());
            JsonObject link = Json.createReader(new StringReader(shared.body())).readObject();
            assertTrue(link.getString("link").startsWith("./?t=" + handle + "#share="), "the link names the terminal with its host: " + link);
            assertEquals(404, gateway.post("api/terminals/" + handle + "/shares", "access=view", Map.of("Cookie", bob)).statusCode(),
                    "only the owner makes share links");

            TtyClient watcher = TtyClient.connect(URI.create(gateway.ws() + "?t=" + handle), Map.of("Cookie", bob))
                    .send("{\"AuthToken\":\"" + gateway.terminalToken(Map.of("Cookie", bob)) + "\",\"columns\":80,\"rows\":24,"
                            + "\"share\":\"" + link.getString("token") + "\"}");
            owner.input("echo fr''om-owner\r");
            watcher.awaitOutput("from-owner\r\n", WAIT);
            String info = watcher.terminalInfo().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(info.contains("\"role\":\"viewer\"") && info.contains("\"sharedBy\":\"alice\""), info);
            watcher.input("echo typed-by-watcher\r");
            owner.input("echo fr''om-owner-again\r");
            watcher.awaitOutput("from-owner-again\r\n", WAIT);
            assertTrue(!watcher.outputText().contains("typed-by-watcher"), "a read-only viewer cannot type");

            // Someone with the link and no login at all watches too: the gateway vouches for a visitor
            // to the terminal's host, and the host checks the link's token as for its own visitors.
            TtyClient visitor = TtyClient.connect(URI.create(gateway.ws() + "?t=" + handle), Map.of())
                    .send("{\"AuthToken\":\"\",\"columns\":80,\"rows\":24,\"share\":\"" + link.getString("token") + "\"}");
            owner.input("echo to-the-vi''sitor\r");
            visitor.awaitOutput("to-the-visitor\r\n", WAIT);
            String visitorInfo = visitor.terminalInfo().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(visitorInfo.contains("\"role\":\"viewer\"") && visitorInfo.contains("\"sharedBy\":\"alice\""), visitorInfo);
            visitor.input("echo typed-by-visitor\r");
            owner.input("echo fr''om-owner-last\r");
            visitor.awaitOutput("from-owner-last\r\n", WAIT);
            assertTrue(!owner.outputText().contains("typed-by-visitor"), "a visitor cannot type");
            // Without a link's token, a visitor gets nothing, and learns nothing of the terminal.
            TtyClient.Close nobody = TtyClient.connect(URI.create(gateway.ws() + "?t=" + handle), Map.of())
                    .send("{\"AuthToken\":\"\",\"columns\":80,\"rows\":24}").awaitClose(WAIT);
            assertEquals(CloseCodes.NO_SUCH_TERMINAL, nobody.code(), nobody.toString());
            // A visitor has nothing else: no new terminal through the gateway.
            assertEquals(401, gateway.upgradeStatus(Map.of()));

            HttpResponse<String> listed = gateway.get("api/terminals/" + handle + "/shares", Map.of("Cookie", alice));
            String id = Json.createReader(new StringReader(listed.body())).readObject().getJsonArray("shares").getJsonObject(0).getString("id");
            assertEquals(204, gateway.delete("api/terminals/" + handle + "/shares/" + id, Map.of("Cookie", alice)).statusCode());
            assertEquals(CloseCodes.NO_SUCH_TERMINAL, watcher.awaitClose(WAIT).code(), "revoking lets the viewer go");
            assertEquals(CloseCodes.NO_SUCH_TERMINAL, visitor.awaitClose(WAIT).code(), "and the visitor");
        }
    }

    /**
     * The gateway as a Helidon feature: an application that signs its users in itself (an admin
     * console) relays their terminals to a CloudTerm host, which knows the application's user.
     */
    @ParameterizedTest(name = "gateway native={0}")
    @ValueSource(strings = {"on", "off"})
    void aHelidonApplicationWithTheFeatureRelaysItsUsersTerminalsToAHost(String mode) throws Exception {
        Keys key = keys("gateway");
        TestServer host = hosts(key, "sh").getFirst();
        io.cloudterm.feature.CloudTermFeature feature = io.cloudterm.feature.CloudTermFeature.builder().path("/term")
                .set("native", mode)
                .set("gateway.hosts", "static:" + host.server().url().getAuthority())
                .set("gateway.key", key.gateway().toString())
                .authentication((headers, peer) -> headers.first(io.helidon.http.HeaderNames.create("X-User")))
                .build();
        io.helidon.webserver.WebServer app = io.helidon.webserver.WebServer.builder().host("127.0.0.1").port(0).addFeature(feature)
                .build().start();
        try {
            EmbeddedClient http = new EmbeddedClient();
            URI base = URI.create("http://127.0.0.1:" + app.port() + "/");
            Map<String, String> alice = Map.of("X-User", "alice");
            try (TtyClient client = TtyClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/term/ws"), alice)
                    .handshake(http.terminalToken(base, alice), 80, 24)) {
                client.input("echo user=$CLOUDTERM_USER.\r");
                client.awaitOutput("user=alice.", WAIT);
                assertEquals(1, host.server().terminals().size(), "the terminal runs on the host");
                assertTrue(http.get(base.resolve("term/api/terminals"), alice).body().contains(host.server().url().getAuthority()),
                        "the application's terminals page lists it with its host");
            }
        } finally {
            app.stop();
        }
    }

    /**
     * A host that takes connections and never answers holds up only the terminal that goes to it:
     * meanwhile another user's terminal, on another host, is opened and typed into through the same
     * gateway; the silent host's client is told which host did not answer once its time is up.
     */
    @Test
    void aSilentHostHoldsUpOnlyItsOwnTerminal() throws Exception {
        Keys key = keys("gateway");
        TestServer host = hosts(key, "sh").getFirst();
        HostAddress up = new HostAddress(host.server().url().getHost(), host.server().url().getPort());
        try (ServerSocket silent = silentHostAfter(up)) {
            List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // taken, never answered
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            HostAddress quiet = new HostAddress(silent.getInetAddress().getHostAddress(), silent.getLocalPort());
            TestServer gateway = gateway(key, "static:" + quiet + "," + host.server().url().getAuthority());
            TtyClient waiting = openRefused(gateway, HostHandles.named(quiet.toString(), "A".repeat(22)));
            try (TtyClient other = open(gateway, null)) {
                other.input("echo not-held-up.\r");
                other.awaitOutput("not-held-up.", WAIT);
                assertTrue(!waiting.isClosed(), "the silent host's client is still waiting for it");
            }
            TtyClient.Close close = waiting.awaitClose(WAIT);
            assertEquals(CloseCodes.HOST_UNREACHABLE, close.code(), close.toString());
            assertTrue(close.reason().contains(quiet.toString()), close.reason());
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /** A listening socket whose address the user's hash puts after {@code up}: new terminals go to {@code up} first. */
    private static ServerSocket silentHostAfter(HostAddress up) throws IOException {
        // Looked for among many addresses of 127/8 (a live host whose own score happens to be low
        // is put first by one in a thousand or fewer), then listened on.
        int port = freePort();
        for (int i = 6; i < 1_000_000; i++) {
            String host = "127." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
            if (host.endsWith(".0") || host.endsWith(".255") || HOST_ADDRESSES.contains(host)) {
                continue;
            }
            HostAddress address = new HostAddress(host, port);
            if (Placement.byUser().order("token", List.of(up, address), h -> 0).getFirst().equals(up)) {
                return new ServerSocket(port, 50, InetAddress.getByName(host));
            }
        }
        throw new IllegalStateException("no address the hash puts second");
    }

    /**
     * Least-loaded placement reads the hosts' own counts, so terminals that another gateway (or
     * anyone) opened count too: the user's first host by the hash is busy, so new terminals go elsewhere.
     */
    @Test
    void leastLoadedPlacementCountsTheTerminalsTheHostsReport() throws Exception {
        Keys key = keys("gateway");
        List<TestServer> hosts = hosts(key, "sh");
        HostAddress first = Placement.byUser().order("token", addresses(hosts), h -> 0).getFirst();
        TestServer busy = hosts.get(addresses(hosts).indexOf(first));
        IdentitySigner elsewhere = new IdentitySigner(GatewayKeys.signing(key.gateway(), "gateway"));
        HostCalls reader = new HostCalls(elsewhere, WAIT);
        List<TtyClient> opened = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) { // opened around the gateway under test, straight on the host
                TtyClient client = TtyClient.connect(busy.ws(), Map.of("X-CloudTerm-Identity",
                        elsewhere.sign("someone-else", "", first.toString()))).handshake("", 80, 24);
                Shell.terminalInfo(client);
                opened.add(client);
            }
            // Each host says its own count, though all three run in this one process (whose metrics add them up).
            for (HostAddress address : addresses(hosts)) {
                HostCalls.Answer load = reader.call(address, "cloudterm-gateway", "GET", "/api/load", "");
                assertEquals(200, load.status());
                assertEquals(address.equals(first) ? 2 : 0, Json.createReader(new StringReader(
                        new String(load.body(), StandardCharsets.UTF_8))).readObject().getInt("terminals"), address.toString());
            }
            assertEquals(401, busy.get("api/load", Map.of()).statusCode(), "only a gateway reads a host's load");

            TestServer gateway = gateway(key, staticHosts(hosts), "--placement", "least-loaded", "--hosts-refresh", "1");
            String cookie = gateway.login();
            for (int i = 0; i < 2; i++) { // read before the gateway took its first terminal: the busy host is last
                TtyClient client = open(gateway, cookie, null);
                opened.add(client);
                assertTrue(!HostHandles.host(Shell.terminalInfo(client)[0]).orElseThrow().equals(first.toString()),
                        "the busy host is passed over");
            }
            assertEquals(2, busy.server().terminals().size());
        } finally {
            opened.forEach(TtyClient::abort);
        }
    }

    @Test
    void aHostTakesOnlyIdentitiesTheGatewaySignedForItOnce() throws Exception {
        Keys key = keys("gateway");
        TestServer host = hosts(key, "sh").getFirst();
        String authority = host.server().url().getAuthority();

        assertEquals(401, host.upgradeStatus(Map.of()), "no identity: no way in");
        assertEquals(404, host.get("login", Map.of()).statusCode(), "no login form of its own");

        IdentitySigner forger = new IdentitySigner(GatewayKeys.signing(keys("other").gateway(), "other"));
        assertEquals(401, host.upgradeStatus(Map.of("X-CloudTerm-Identity", forger.sign("token", "", authority))),
                "signed with another key");

        IdentitySigner gateway = new IdentitySigner(GatewayKeys.signing(key.gateway(), "gateway"));
        String forAnotherHost = gateway.sign("token", "", "127.0.0.3:" + host.server().url().getPort());
        assertEquals(401, host.upgradeStatus(Map.of("X-CloudTerm-Identity", forAnotherHost)), "signed for another host");

        String identity = gateway.sign("token", "", authority);
        try (TtyClient client = TtyClient.connect(host.ws(), Map.of("X-CloudTerm-Identity", identity)).handshake("", 80, 24)) {
            client.input("echo user=$CLOUDTERM_USER.\r");
            client.awaitOutput("user=token.", WAIT);
        }
        assertEquals(401, host.upgradeStatus(Map.of("X-CloudTerm-Identity", identity)), "the same identity twice: a replay");
    }

    /** Hosts found by name, as a Kubernetes headless Service publishes them: every address of the name, through the system's resolver. */
    @Test
    void hostsAreFoundByTheAddressesOfADnsName() throws Exception {
        Keys key = keys("gateway");
        TestServer host = TestServer.start("--interface", "127.0.0.1", "--trust-gateway", key.hosts().toString(), "--", "sh");
        running.add(host);
        // localhost: 127.0.0.1, where the host listens, and ::1 where a system has it, where it does not.
        TestServer gateway = gateway(key, "dns:localhost:" + host.server().url().getPort());
        try (TtyClient client = open(gateway, null)) {
            client.input("echo found.\r");
            client.awaitOutput("found.", WAIT);
            assertEquals(1, host.server().terminals().size(), "the terminal runs on the host the name led to");
        }
    }

    @Test
    void aHostThatCannotBeReachedLeavesTheTerminalToTheNextByTheHash() throws Exception {
        Keys key = keys("gateway");
        TestServer alive = hosts(key, "sh").getFirst();
        HostAddress up = new HostAddress(alive.server().url().getHost(), alive.server().url().getPort());
        // A dead address that the user's hash puts first, so that the gateway has to go on to the next.
        // Looked for among many (all of 127/8 is loopback, and nothing listens there on this port): a
        // live host whose own score happens to be high is beaten by one in a thousand or fewer.
        int port = freePort();
        HostAddress down = Stream.iterate(10, i -> i + 1).limit(1_000_000)
                .map(i -> new HostAddress("127." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff), port))
                .filter(dead -> !dead.host().endsWith(".0") && !dead.host().endsWith(".255") && !HOST_ADDRESSES.contains(dead.host()))
                .filter(dead -> Placement.byUser().order("token", List.of(up, dead), h -> 0).getFirst().equals(dead))
                .findFirst().orElseThrow();
        TestServer gateway = gateway(key, "static:" + down + "," + up);
        try (TtyClient client = open(gateway, null)) {
            client.input("echo here.\r");
            client.awaitOutput("here.", WAIT);
            assertEquals(1, alive.server().terminals().size());
        }
    }

    @Test
    void whenNoHostCanBeReachedTheClientIsToldWhichWereTried() throws Exception {
        Keys key = keys("gateway");
        HostAddress down = new HostAddress("127.0.0.9", freePort());
        TestServer gateway = gateway(key, "static:" + down);
        TtyClient client = openRefused(gateway, null);
        TtyClient.Close close = client.awaitClose(WAIT);
        assertEquals(CloseCodes.HOST_UNREACHABLE, close.code(), close.toString());
        assertTrue(close.reason().contains(down.toString()), close.reason());
    }

    @Test
    void aHandleOfAHostNoLongerKnownIsNoSuchTerminal() throws Exception {
        Keys key = keys("gateway");
        List<TestServer> hosts = hosts(key, "sh");
        TestServer gateway = gateway(key, staticHosts(hosts));
        TtyClient client = openRefused(gateway, HostHandles.named("127.0.0.99:7681", "A".repeat(22)));
        TtyClient.Close close = client.awaitClose(WAIT);
        assertEquals(CloseCodes.NO_SUCH_TERMINAL, close.code(), close.toString());
        assertTrue(close.reason().contains("127.0.0.99:7681"), close.reason());
    }

    /**
     * A host that dies mid-session sends no close frame of its own: the gateway says what happened,
     * after the last whole frame the host sent. The host here is a socket that answers the upgrade,
     * sends one output message and drops the connection, as a host whose process was killed.
     */
    @ParameterizedTest(name = "gateway native={0}")
    @ValueSource(strings = {"on", "off"})
    void aHostThatGoesAwayMidSessionClosesTheClientWithAReasonNamingIt(String mode) throws Exception {
        Keys key = keys("gateway");
        try (ServerSocket dying = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.5"))) {
            Thread host = Thread.ofVirtual().start(() -> answerThenDie(dying));
            HostAddress address = new HostAddress("127.0.0.5", dying.getLocalPort());
            TestServer gateway = gateway(key, "static:" + address, "--native", mode);
            TtyClient client = open(gateway, null);
            client.awaitOutput("last words", WAIT);
            TtyClient.Close close = client.awaitClose(WAIT);
            assertEquals(CloseCodes.HOST_LOST, close.code(), close.toString());
            assertTrue(close.reason().contains(address.toString()), close.reason());
            host.join();
            String metrics = gateway.get("observe/metrics", Map.of("Cookie", gateway.login())).body();
            java.util.regex.Matcher lost = java.util.regex.Pattern.compile("(?m)^cloudterm_gateway_hosts_lost_total\\S* (\\S+)$")
                    .matcher(metrics);
            assertTrue(lost.find() && Double.parseDouble(lost.group(1)) >= 1, "counted for the operator: " + metrics);
        }
    }

    @ParameterizedTest(name = "gateway native={0}, relay={1}")
    @org.junit.jupiter.params.provider.CsvSource({"on,splice", "on,copy", "off,copy"})
    void outputIsByteExactThroughTheRelayUnderAFloodOfPauseAndResume(String mode, String relay) throws Exception {
        int lines = 200_000;
        Keys key = keys("gateway");
        List<TestServer> hosts = hosts(key, "seq", "1", String.valueOf(lines));
        TestServer gateway = gateway(key, staticHosts(hosts), "--native", mode, "--relay", relay);
        try (TtyClient client = open(gateway, null)) {
            Random random = new Random(42);
            for (int i = 0; i < 10_000 && !client.isClosed(); i++) {
                try {
                    if (random.nextBoolean()) {
                        client.pause();
                    } else {
                        client.resume();
                    }
                } catch (RuntimeException e) {
                    break; // closed under us
                }
            }
            if (!client.isClosed()) {
                client.resume();
            }
            assertEquals(new TtyClient.Close(1000, "exit 0"), client.awaitClose(WAIT));
            String output = client.outputText();
            assertEquals(Shell.countedLines(lines).length(), output.length(), "byte count");
            assertEquals(sha256(Shell.countedLines(lines)), sha256(output), "nothing lost, repeated or reordered");
        }
    }

    // ---- the cast ----

    /** The gateway's private key and the hosts' public key, in files as an operator makes them. */
    private record Keys(Path gateway, Path hosts) {
    }

    private Keys keys(String name) {
        KeyFiles.Pair pair = KeyFiles.pair();
        return new Keys(KeyFiles.write(dir, name + ".key", pair.privatePem()), KeyFiles.write(dir, name + ".pub", pair.publicPem()));
    }

    private List<TestServer> hosts(Keys key, String... command) {
        List<TestServer> hosts = new ArrayList<>();
        for (String address : HOST_ADDRESSES) {
            List<String> args = new ArrayList<>(List.of("--interface", address, "--trust-gateway", key.hosts().toString(),
                    "--keep-alive", "30", "--"));
            args.addAll(List.of(command));
            TestServer host = TestServer.start(args.toArray(String[]::new));
            running.add(host);
            hosts.add(host);
        }
        return hosts;
    }

    private TestServer gateway(Keys key, String hosts, String... more) {
        List<String> args = new ArrayList<>(List.of("gateway", "--port", "0", "--hosts", hosts, "--gateway-key", key.gateway().toString()));
        args.addAll(List.of(more));
        TestServer gateway = TestServer.start(CloudTerm.configFrom(args.toArray(String[]::new)));
        running.add(gateway);
        return gateway;
    }

    private static List<HostAddress> addresses(List<TestServer> hosts) {
        return hosts.stream().map(h -> new HostAddress(h.server().url().getHost(), h.server().url().getPort())).toList();
    }

    private static String staticHosts(List<TestServer> hosts) {
        return "static:" + String.join(",", addresses(hosts).stream().map(HostAddress::toString).toList());
    }

    /** A user logged in at the gateway (with its access token) opens a terminal there, or reattaches to {@code handle}. */
    private static TtyClient open(TestServer gateway, String handle) {
        return open(gateway, gateway.login(), handle);
    }

    /**
     * As {@link #open(TestServer, String)} for a terminal the gateway will refuse: its close may
     * come before the handshake is sent, which the client then cannot send.
     */
    private static TtyClient openRefused(TestServer gateway, String handle) {
        String cookie = gateway.login();
        String token = gateway.terminalToken(Map.of("Cookie", cookie));
        URI uri = handle == null ? gateway.ws() : URI.create(gateway.ws() + "?t=" + handle);
        TtyClient client = TtyClient.connect(uri, Map.of("Cookie", cookie));
        try {
            client.handshake(token, 80, 24);
        } catch (java.io.UncheckedIOException closedAlready) {
            // the close frame is what the test reads
        }
        return client;
    }

    private static TtyClient open(TestServer gateway, String cookie, String handle) {
        String token = gateway.terminalToken(Map.of("Cookie", cookie));
        URI uri = handle == null ? gateway.ws() : URI.create(gateway.ws() + "?t=" + handle);
        return TtyClient.connect(uri, Map.of("Cookie", cookie)).handshake(token, 80, 24);
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers one upgrade as a host does, sends one OUTPUT message, and drops the connection without a close frame. */
    private static void answerThenDie(ServerSocket listening) {
        try (Socket socket = listening.accept()) {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            String key = head.toString().lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: tty\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(ClientFrames.frame(0x80 | ClientFrames.BINARY, "0last words".getBytes(StandardCharsets.UTF_8), false));
            out.flush();
            // Wait for the client's JSON_DATA, so the output is not dropped before the client is there.
            in.read();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
