package io.cloudterm.web;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.auth.Authenticator;
import io.cloudterm.io.BufferPool;
import io.cloudterm.pty.PtySystem;
import io.cloudterm.pty.PtySystems;
import io.cloudterm.terminal.Terminal;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import io.helidon.webserver.websocket.WsRouting;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * A running CloudTerm: the Helidon server, its terminals and the pty system under them.
 * {@link #start} returns once the port is bound; {@link #close} hangs up every terminal and stops.
 */
public final class CloudTermServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CloudTermServer.class.getName());
    private static final int READ_BUFFER_SIZE = 16 * 1024;
    private static final int MAX_POOLED_BUFFERS = 4096;

    private final ServerConfig config;
    private final PtySystem ptys;
    private final Heartbeat heartbeat;
    private final TerminalLauncher launcher;
    private final String accessToken;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<WebServer> web = new AtomicReference<>();

    private CloudTermServer(ServerConfig config, PtySystem ptys, String accessToken, Heartbeat heartbeat,
                            TerminalLauncher launcher) {
        this.config = config;
        this.ptys = ptys;
        this.accessToken = accessToken;
        this.heartbeat = heartbeat;
        this.launcher = launcher;
    }

    /** Binds the port and starts serving. Throws with a plain message if the port is taken. */
    public static CloudTermServer start(ServerConfig config) {
        if (config.authMode() == AuthMode.NONE && !config.loopbackOnly()) {
            throw new IllegalArgumentException("--no-auth is allowed only on a loopback interface (-i 127.0.0.1), not "
                    + config.host());
        }
        PtySystem ptys = PtySystems.select(config.nativeMode());
        AtomicReference<String> token = new AtomicReference<>();
        Authenticator authenticator = Authenticator.create(config.authMode(), config.credential(), token::set);
        Gate gate = new Gate(authenticator, new OriginPolicy(config.allowedOrigins()));
        Heartbeat heartbeat = new Heartbeat(config.pingInterval());
        TerminalLauncher launcher = new TerminalLauncher(config, ptys, new BufferPool(READ_BUFFER_SIZE, MAX_POOLED_BUFFERS));
        CloudTermServer server = new CloudTermServer(config, ptys, token.get(), heartbeat, launcher);
        ClientSlots slots = new ClientSlots(config.maxClients(), config.once(), config.exitNoConn(),
                () -> Thread.ofVirtual().start(server::close));
        ServerContext context = new ServerContext(config, gate, slots, heartbeat, launcher, false);
        try {
            server.web.set(WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .connectionOptions(socket -> socket.tcpNoDelay(true))
                    .maxPayloadSize(64 * 1024)
                    .routing(routing -> server.routes(routing, context))
                    .addRouting(WsRouting.builder().endpoint(config.basePath() + "/ws", () -> new TerminalEndpoint(context)))
                    .build()
                    .start());
            if (server.web.get().port() < 0) {
                // Helidon 4.2 logs a failed bind and starts without the listener instead of throwing.
                server.web.get().stop();
                throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port()
                        + ": the port is in use or the address is not one of this machine's (pass --port or --interface)");
            }
        } catch (IllegalStateException e) {
            heartbeat.close();
            ptys.close();
            throw e;
        } catch (RuntimeException e) {
            heartbeat.close();
            ptys.close();
            throw new IllegalStateException(bindFailure(config, e), e);
        }
        if (config.authMode() == AuthMode.NONE) {
            LOG.warning("--no-auth: anyone who can reach " + config.host() + ":" + server.port()
                    + " gets a shell as this user");
        }
        return server;
    }

    private void routes(HttpRouting.Builder routing, ServerContext context) {
        String base = config.basePath();
        routing.addFilter(new SecurityHeaders());
        if (config.authMode() == AuthMode.BASIC) {
            routing.addFilter((chain, request, response) -> {
                if (context.gate().who(request.headers()).isPresent()) {
                    chain.proceed();
                } else {
                    response.header(AuthRoutes.BASIC_CHALLENGE);
                    response.status(Status.UNAUTHORIZED_401).send("authentication required");
                }
            });
        }
        routing.register(base.isEmpty() ? "/" : base, new AuthRoutes(context.gate(), base, context.secure()));
        routing.get(base + "/ws", (request, response) -> refusedUpgrade(context, request, response));
        if (!base.isEmpty()) {
            routing.get(base, (request, response) -> {
                response.status(Status.MOVED_PERMANENTLY_301);
                response.headers().location(URI.create(base + "/"));
                response.send();
            });
        }
        routing.register(base.isEmpty() ? "/" : base, StaticContentFeature.createService(
                ClasspathHandlerConfig.builder().location("web").welcome("index.html").build()));
    }

    /** A /ws request that did not become a WebSocket: say precisely why. */
    private static void refusedUpgrade(ServerContext context, ServerRequest request, ServerResponse response) {
        Gate.Decision decision = context.gate().check(request.headers(), context.secure());
        if (!decision.allowed()) {
            if (decision.refusal().status() == Status.UNAUTHORIZED_401 && context.config().authMode() == AuthMode.BASIC) {
                response.header(AuthRoutes.BASIC_CHALLENGE);
            }
            response.status(decision.refusal().status()).send(decision.refusal().reason());
            return;
        }
        String full = context.slots().refusal();
        if (full != null) {
            response.status(Status.SERVICE_UNAVAILABLE_503).send(full);
            return;
        }
        response.status(Status.BAD_REQUEST_400).send("this is a WebSocket endpoint (subprotocol tty)");
    }

    private static String bindFailure(ServerConfig config, RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof java.net.BindException) {
            return "cannot listen on " + config.host() + ":" + config.port() + ": " + cause.getMessage()
                    + " (is another server on that port? pass --port)";
        }
        return "cannot start the server on " + config.host() + ":" + config.port() + ": " + cause;
    }

    public int port() {
        return web.get().port();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:7681/}. */
    public URI url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        if (host.equals("0.0.0.0") || host.equals("[::]")) {
            host = "localhost";
        }
        return URI.create("http://" + host + ":" + port() + config.basePath() + "/");
    }

    /**
     * The address to open in a browser. With an access token, it travels in the fragment
     * ({@code #token=}), which browsers never send to servers, proxies or Referer headers; the page
     * exchanges it for a cookie and removes it from the address bar.
     */
    public URI loginUrl() {
        return accessToken == null ? url() : URI.create(url() + "#token=" + accessToken);
    }

    /** The access token of {@link AuthMode#TOKEN}, for tests and embedding code. */
    public Optional<String> accessToken() {
        return Optional.ofNullable(accessToken);
    }

    public String ptyDescription() {
        return ptys.description();
    }

    /** Terminals currently alive (their children not yet reaped). */
    public List<Terminal> terminals() {
        return List.copyOf(launcher.live());
    }

    /** Blocks until the server stops (by {@link #close}, --once or --exit-no-conn). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        WebServer server = web.getAndSet(null);
        if (server == null) {
            return;
        }
        List<Terminal> terminals = List.copyOf(launcher.live());
        terminals.forEach(Terminal::hangUp);
        CompletableFuture<?>[] ends = terminals.stream().map(Terminal::ended).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(ends).get(config.killGrace().plus(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warning("some terminals did not end in time: " + e);
        }
        server.stop();
        heartbeat.close();
        ptys.close();
        stopped.countDown();
    }
}
