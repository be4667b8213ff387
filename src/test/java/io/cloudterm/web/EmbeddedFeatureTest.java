package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import io.cloudterm.example.TerminalApp;
import io.cloudterm.feature.CloudTermFeature;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CloudTerm as a feature of an application's own Helidon server: one port, the application's routes untouched. */
class EmbeddedFeatureTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
    private final EmbeddedClient http = new EmbeddedClient();

    @ParameterizedTest(name = "--native {0}")
    @ValueSource(strings = {"on", "off"})
    void aTerminalWorksNextToTheApplicationsOwnRoutes(String nativeMode) throws Exception {
        CloudTermFeature feature = CloudTermFeature.builder().path("/term").command("sh").credential("u:p")
                .set("native", nativeMode).set("keep-alive", "0").build();
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing.get("/hello", (request, response) -> response.send("hello")))
                .addFeature(feature)
                .build().start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
            HttpResponse<String> hello = http.get(base.resolve("hello"), Map.of());
            assertEquals(200, hello.statusCode());
            assertEquals("hello", hello.body());
            assertFalse(hello.headers().firstValue("Content-Security-Policy").isPresent(), "CloudTerm's filters stay under /term");
            assertEquals(401, http.get(base.resolve("term/"), Map.of()).statusCode());
            HttpResponse<String> page = http.get(base.resolve("term/"), Map.of("Authorization", BASIC));
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<html") || page.body().contains("<!DOCTYPE"), page.body());

            TtyClient client = TtyClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/term/ws"),
                    Map.of("Authorization", BASIC)).handshake(http.terminalToken(base, Map.of("Authorization", BASIC)), 80, 24);
            client.input("echo embedded-$((6*7))\r");
            client.awaitOutput("embedded-42", WAIT);
            assertEquals(nativeMode.equals("on") ? 1 : 0, feature.takenOverWebSockets(),
                    "native mode takes the socket over from the application's server, as the stand-alone server does");
            assertEquals(1, feature.terminals().size());
            assertEquals(200, http.get(base.resolve("hello"), Map.of()).statusCode());
        } finally {
            server.stop();
        }
        await().atMost(WAIT).until(() -> feature.terminals().isEmpty());
    }

    @Test
    void theSharedDirectoryIsARouteOfTheFeature(@org.junit.jupiter.api.io.TempDir java.nio.file.Path shared) throws Exception {
        java.nio.file.Files.writeString(shared.resolve("report.txt"), "from the application's server");
        CloudTermFeature feature = CloudTermFeature.builder().path("/term").command("sh").credential("u:p")
                .set("files.dir", shared.toString()).build();
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing.get("/hello", (request, response) -> response.send("hello")))
                .addFeature(feature)
                .build().start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
            assertEquals(401, http.get(base.resolve("term/files/report.txt"), Map.of()).statusCode());
            HttpResponse<String> file = http.get(base.resolve("term/files/report.txt"), Map.of("Authorization", BASIC));
            assertEquals(200, file.statusCode());
            assertEquals("from the application's server", file.body());
            assertEquals("bytes", file.headers().firstValue("Accept-Ranges").orElse(""));
            assertEquals(200, http.get(base.resolve("hello"), Map.of()).statusCode());
        } finally {
            server.stop();
        }
    }

    @Test
    void applicationYamlAloneMountsATerminal() throws Exception {
        Config config = Config.just(ConfigSources.classpath("io/cloudterm/feature/application.yaml"));
        WebServer server = TerminalApp.fromYaml(config);
        try {
            URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
            HttpResponse<String> hello = http.get(base.resolve("hello"), Map.of());
            assertEquals(200, hello.statusCode());
            assertEquals("hello from the application", hello.body());
            assertEquals(401, http.get(base.resolve("term/"), Map.of()).statusCode());
            assertEquals(200, http.get(base.resolve("term/"), Map.of("Authorization", BASIC)).statusCode());
            TtyClient client = TtyClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/term/ws"),
                    Map.of("Authorization", BASIC)).handshake(http.terminalToken(base, Map.of("Authorization", BASIC)), 80, 24);
            client.input("echo from-yaml-$((6*7)); echo $0\r");
            client.awaitOutput("from-yaml-42", WAIT);
            client.awaitOutput("bash", WAIT);
        } finally {
            server.stop();
        }
    }

    @Test
    void theCodeVariantOfTheExampleServesTheSame() throws Exception {
        WebServer server = TerminalApp.inCode(0, "u:p");
        try {
            URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
            assertEquals(200, http.get(base.resolve("hello"), Map.of()).statusCode());
            assertEquals(200, http.get(base.resolve("term/"), Map.of("Authorization", BASIC)).statusCode());
        } finally {
            server.stop();
        }
    }

    @Test
    void withoutItsConfigurationNodeTheFeatureMountsNothing() throws Exception {
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing.get("/hello", (request, response) -> response.send("hello")))
                .build().start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
            assertEquals(200, http.get(base.resolve("hello"), Map.of()).statusCode());
            assertEquals(404, http.get(base.resolve("cloudterm/"), Map.of()).statusCode(),
                    "the dependency alone must not open a shell on an application's server");
        } finally {
            server.stop();
        }
        assertFalse(CloudTermFeature.create(Config.empty().get("server.features.cloudterm")).enabled());
        assertFalse(CloudTermFeature.create(yaml("server.features.cloudterm.enabled", "false")).enabled());
    }

    @Test
    void theListenerIsTheApplicationsToConfigure() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CloudTermFeature.builder().set("port", "9000").build());
        assertEquals("cloudterm.port: inside a Helidon application this is server.port's to set, not CloudTerm's", e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> CloudTermFeature.builder().set("keep-alive", "-1").build());
        assertEquals("--keep-alive cannot be negative", bad.getMessage());
    }

    @Test
    void theHostCheckGuardsCloudTermsPathOnly() throws Exception {
        CloudTermFeature feature = CloudTermFeature.builder().path("/term").command("sh").credential("u:p").build();
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing.get("/hello", (request, response) -> response.send("hello")))
                .addFeature(feature)
                .build().start();
        try {
            String evil = "Host: evil.example:" + server.port() + "\r\nAuthorization: " + BASIC + "\r\n";
            assertEquals(421, RawHttp.exchange(server.port(), "GET /term/ HTTP/1.1\r\n" + evil + "Connection: close\r\n\r\n").status(),
                    "a page reached through DNS rebinding is refused");
            assertEquals(421, RawHttp.exchange(server.port(), "GET /term/ws HTTP/1.1\r\n" + evil
                    + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: tty\r\n\r\n").status(),
                    "and so is its WebSocket");
            assertEquals(200, RawHttp.exchange(server.port(), "GET /hello HTTP/1.1\r\n" + evil + "Connection: close\r\n\r\n").status(),
                    "the application's own routes keep their own rules");
        } finally {
            server.stop();
        }
    }

    @Test
    void withoutALoginOptionTheApplicationGetsTheAccessToken() throws Exception {
        CloudTermFeature feature = CloudTermFeature.builder().path("/term").command("sh").build();
        WebServer server = WebServer.builder().host("127.0.0.1").port(0).addFeature(feature).build().start();
        try {
            String token = feature.accessToken().orElseThrow();
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/term/login"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build());
            assertEquals(204, login.statusCode(), login.body());
            assertTrue(login.headers().firstValue("Set-Cookie").orElse("").contains("Path=/term"),
                    "the session cookie stays under CloudTerm's path");
        } finally {
            server.stop();
        }
    }

    @Test
    void theApplicationsOwnMetricsShowCloudTermsMeters() throws Exception {
        CloudTermFeature feature = CloudTermFeature.builder().path("/term").command("sh").credential("u:p")
                .set("native", "off").set("keep-alive", "0").build();
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .addFeature(ObserveFeature.builder().addObserver(MetricsObserver.create()).build())
                .addFeature(feature)
                .build().start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
            TtyClient client = TtyClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/term/ws"),
                    Map.of("Authorization", BASIC)).handshake(http.terminalToken(base, Map.of("Authorization", BASIC)), 80, 24);
            client.input("echo metered-$((6*7))\r");
            client.awaitOutput("metered-42", WAIT);
            await().atMost(WAIT).until(() -> liveTerminals(http.get(base.resolve("observe/metrics"), Map.of("Accept", "text/plain"))) >= 1);
            assertEquals(404, http.get(base.resolve("term/observe/metrics"), Map.of("Authorization", BASIC)).statusCode(),
                    "inside an application, CloudTerm adds no observe endpoint of its own");
        } finally {
            server.stop();
        }
    }

    /** The value of cloudterm_terminals_live in a Prometheus scrape; -1 when it is not there. */
    private static double liveTerminals(HttpResponse<String> scrape) {
        assertEquals(200, scrape.statusCode(), scrape.body());
        Matcher m = Pattern.compile("(?m)^cloudterm_terminals_live(?:\\{[^}]*\\})? ([0-9.]+)").matcher(scrape.body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static Config yaml(String key, String value) {
        Config root = Config.just(ConfigSources.create(Map.of(key, value)));
        return root.get(key.substring(0, key.lastIndexOf('.')));
    }
}
