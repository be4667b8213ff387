package io.cloudterm.web;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.auth.Authenticator;
import io.cloudterm.io.BufferPool;
import io.cloudterm.io.NativeHeap;
import io.cloudterm.io.ReadBuffers;
import io.cloudterm.observe.Observability;
import io.cloudterm.observe.ObservedServer;
import io.cloudterm.protocol.CloseCodes;
import io.cloudterm.pty.PtySystem;
import io.cloudterm.pty.PtySystems;
import io.cloudterm.terminal.Terminal;
import io.cloudterm.websocket.DirectUpgrader;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
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
    /** Where a short pty read (an echo, a prompt) is kept while it is sent: see ReadBuffers. */
    private static final int SHORT_READ_BUFFER_SIZE = 1024;
    private static final Duration SESSION_SWEEP = Duration.ofSeconds(10);
    /** Reads of taken-over WebSockets: client messages are keystrokes and resizes, pastes at most. */
    private static final int WS_READ_BUFFER_SIZE = 16 * 1024;
    private static final int MAX_POOLED_WS_BUFFERS = 64;
    /** How long close frames may take at shutdown: a client that stopped reading cannot hold the server. */
    private static final Duration GOODBYE_PATIENCE = Duration.ofSeconds(2);

    private final ServerConfig config;
    private final PtySystem ptys;
    private final Heartbeat heartbeat;
    private final TerminalLauncher launcher;
    private final String accessToken;
    private final Authenticator authenticator;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<WebServer> web = new AtomicReference<>();
    private final AtomicReference<DirectUpgrader> directWebSockets = new AtomicReference<>();
    private final AtomicReference<HttpGuard> httpGuard = new AtomicReference<>();
    private final AtomicReference<Runnable> unobserve = new AtomicReference<>(() -> { });

    private CloudTermServer(ServerConfig config, PtySystem ptys, String accessToken, Heartbeat heartbeat,
                            TerminalLauncher launcher, Authenticator authenticator) {
        this.authenticator = authenticator;
        this.config = config;
        this.ptys = ptys;
        this.accessToken = accessToken;
        this.heartbeat = heartbeat;
        this.launcher = launcher;
    }

    /**
     * Binds the port and starts serving. Throws {@link IllegalArgumentException} for a configuration
     * that cannot work (unreadable TLS files, --no-auth off loopback) and {@link IllegalStateException}
     * when the port cannot be bound; both with a message for a person.
     */
    public static CloudTermServer start(ServerConfig config) {
        if (config.authMode() == AuthMode.NONE && !config.loopbackOnly()) {
            throw new IllegalArgumentException("--no-auth is allowed only on a loopback interface (-i 127.0.0.1), not "
                    + config.host());
        }
        Optional<TlsSettings> tls = config.tls().map(f -> TlsSettings.create(f.certificate(), f.privateKey(), f.clientCa()));
        java.util.concurrent.atomic.AtomicInteger boundPort = new java.util.concurrent.atomic.AtomicInteger(config.port());
        HostPolicy hosts = new HostPolicy(config.host(), config.hosts().allowed(), boundPort::get, config.secure());
        AtomicReference<String> token = new AtomicReference<>();
        Authenticator authenticator = Logins.authenticator(config, token::set);
        PtySystem ptys = PtySystems.select(config.nativeMode());
        Gate gate = new Gate(authenticator, hosts, new OriginPolicy(config.allowedOrigins()),
                new SessionCookie(config.basePath(), config.secure()), config.secure());
        Heartbeat heartbeat = new Heartbeat(config.pingInterval());
        TerminalLauncher launcher = new TerminalLauncher(config, ptys, new ReadBuffers(
                new BufferPool(READ_BUFFER_SIZE, MAX_POOLED_BUFFERS), new BufferPool(SHORT_READ_BUFFER_SIZE, MAX_POOLED_BUFFERS)));
        CloudTermServer server = new CloudTermServer(config, ptys, token.get(), heartbeat, launcher, authenticator);
        // What a removed (or re-passworded, perhaps stolen) account started must not outlive it, nor its share links.
        authenticator.onAccountChanged(user -> launcher.ownedBy(user).forEach(live -> live.terminal().hangUp()));
        ClientSlots slots = new ClientSlots(config.maxClients(), config.once(), config.exitNoConn(),
                () -> Thread.ofVirtual().start(server::close));
        ServerContext context = new ServerContext(config, gate, slots, heartbeat, launcher);
        try {
            var builder = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    // Helidon's own hook would drop every connection while ours says goodbye: close() stops it.
                    .shutdownHook(false)
                    // Bodies are login forms at most; Helidon's defaults bound the request line (4 KiB)
                    // and the headers (16 KiB), answering 414/431 beyond them.
                    .maxPayloadSize(64 * 1024)
                    .routing(routing -> server.routes(routing.addFilter(hosts), context));
            server.listenerLimits(builder, server.takeOverWebSockets(context));
            server.observe(builder);
            tls.ifPresent(t -> builder.tls(t.tls()));
            try (ListenerFailure failure = ListenerFailure.watch()) {
                server.web.set(builder.build().start());
                boundPort.set(server.web.get().port());
                if (server.web.get().port() < 0) {
                    server.web.get().stop();
                    throw new IllegalStateException("cannot listen on " + hostAndPort(config) + ": " + failure.reason());
                }
            }
        } catch (IllegalStateException e) {
            server.closeHttpGuard();
            heartbeat.close();
            ptys.close();
            authenticator.close();
            throw e;
        } catch (RuntimeException e) {
            server.closeHttpGuard();
            heartbeat.close();
            ptys.close();
            authenticator.close();
            throw new IllegalStateException(bindFailure(config, e), e);
        }
        server.sweepSessions(authenticator);
        tls.ifPresent(t -> LOG.info(t.description()));
        if (config.authMode() == AuthMode.NONE) {
            LOG.warning("--no-auth: anyone who can reach " + config.host() + ":" + server.port()
                    + " gets a shell as this user");
        }
        return server;
    }

    /**
     * Terminal WebSockets are upgraded by us in every mode, so one frame decoder of ours judges
     * every client (Helidon's own answers some bad frames with an HTTP 500 inside the WebSocket
     * stream). In native mode, those on plain TCP then leave Helidon: the socket moves to the native
     * poller, where an idle connection holds no thread and output goes from the pooled buffers to
     * the kernel (Helidon's thread, read buffer and copies cost ~25 KB per connection and ~4 copies
     * per message). With TLS or in pure-Java mode they stay on Helidon's connection and thread.
     * Returns that upgrader, for {@link #listenerLimits} to install in front of every HTTP/1 connection.
     */
    private Http1Upgrader takeOverWebSockets(ServerContext context) {
        String whyNot = config.tls().isPresent() ? "TLS is on (the bytes must pass through the JDK's SSLEngine)"
                : ptys.rawSockets().isEmpty() ? "the pty system is pure Java"
                : DirectUpgrader.whyNot();
        DirectUpgrader upgrader = new DirectUpgrader(config.basePath() + "/ws", () -> new TerminalEndpoint(context),
                whyNot == null ? ptys.rawSockets() : Optional.empty(),
                new BufferPool(WS_READ_BUFFER_SIZE, MAX_POOLED_WS_BUFFERS), TerminalEndpoint.MAX_MESSAGE_BYTES);
        directWebSockets.set(upgrader);
        LOG.info(whyNot == null ? "WebSockets: taken over from Helidon after the upgrade, served on the native poller"
                : "WebSockets: served on Helidon's connections, because " + whyNot);
        return upgrader;
    }

    /**
     * What a client may hold of the server: every HTTP/1 connection goes through our guard (request
     * timeouts, strict body framing, Connection: close, HTTP/1.0 answered), upgrading WebSockets with
     * {@code webSockets}; and new connections are refused before the process runs out of files.
     */
    private void listenerLimits(WebServerConfig.Builder builder, Http1Upgrader webSockets) {
        HttpGuard guard = new HttpGuard(config.http(), List.of(webSockets));
        httpGuard.set(guard);
        builder.addConnectionSelector(guard);
        long files = FdHeadroom.fileLimit();
        Optional<FdHeadroom> headroom = files < 0 ? Optional.empty() : Optional.of(new FdHeadroom(files));
        builder.connectionOptions(new AcceptedSockets(SocketOptions.builder().tcpNoDelay(true).build(), headroom,
                guard.deadlines()));
        if (headroom.isPresent() && FdHeadroom.unwatched() != null) {
            long bound = headroom.get().connectionBound();
            builder.maxTcpConnections((int) Math.min(Integer.MAX_VALUE, bound));
            LOG.info("open files: at most " + bound + " connections, because " + FdHeadroom.unwatched());
        }
    }

    /**
     * Metrics and health checks at {@code <base>/observe/...} (under the base path, so that a
     * reverse proxy that forwards the base path forwards them too), when Helidon's metrics and
     * health are on the classpath: the stand-alone server ships them, an embedding application
     * may leave them out. Behind the login unless --observe-public: see {@link ObserveGate}.
     */
    private void observe(WebServerConfig.Builder builder) {
        unobserve.set(Observability.install(builder, config.basePath() + "/observe", new ObservedServer(
                this::terminals, launcher::scrollbackBytesHeld, ptys, config.recording().directory(), config.usersFile()),
                config.observe().publicEndpoints()));
    }

    /**
     * Ends expired sessions (and so their terminals' connections) even when nobody asks for them,
     * and those of accounts removed from the users file or given a new password.
     */
    private void sweepSessions(Authenticator authenticator) {
        Thread.ofVirtual().name("session-sweep").start(() -> {
            while (web.get() != null) {
                authenticator.sweep();
                try {
                    Thread.sleep(SESSION_SWEEP);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void routes(HttpRouting.Builder routing, ServerContext context) {
        String base = config.basePath();
        Gate gate = context.gate();
        LoginPage loginPage = new LoginPage(base);
        routing.addFilter(new SecurityHeaders(config.secure(), config.frameAncestors()));
        if (!config.observe().publicEndpoints()) {
            routing.addFilter(new ObserveGate(base, gate));
        }
        if (config.authMode() == AuthMode.BASIC) {
            // ttyd's -c: every resource, the page included, needs the credential.
            routing.addFilter((chain, request, response) -> {
                Peer peer = Peer.of(request.remotePeer());
                Gate.Decision decision = gate.who(request.headers(), peer.address(), peer.certificateSubject());
                if (decision.allowed()) {
                    chain.proceed();
                } else {
                    AuthRoutes.refuse(response, decision.refusal(), true);
                }
            });
        }
        if (config.authMode() == AuthMode.USERS) {
            // With accounts, the terminal page itself sends a browser without a session to the form.
            routing.addFilter((chain, request, response) -> {
                String path = request.path().path();
                // A link to a terminal (?t=) may carry a share token in its fragment, which a redirect
                // from here would lose: the page itself loads, keeps it, and goes to the form.
                boolean namesTerminal = request.query().contains("t");
                if ((path.equals(base + "/") || path.equals(base + "/index.html")) && !namesTerminal
                        && !hasSession(gate, request)) {
                    response.headers().location(URI.create(base + "/login?next="
                            + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8)));
                    response.status(Status.SEE_OTHER_303).send();
                } else {
                    chain.proceed();
                }
            });
        }
        routing.register(base.isEmpty() ? "/" : base, new AuthRoutes(gate, loginPage));
        routing.register(base.isEmpty() ? "/" : base, new TerminalsApi(gate, launcher));
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

    private static boolean hasSession(Gate gate, ServerRequest request) {
        String id = gate.cookie().read(request.headers());
        return id != null && gate.authenticator().sessionValid(id);
    }

    /** A /ws request that did not become a WebSocket: say precisely why. */
    private static void refusedUpgrade(ServerContext context, ServerRequest request, ServerResponse response) {
        Peer peer = Peer.of(request.remotePeer());
        Gate.Decision decision = context.gate().authenticator().mode() == AuthMode.CLIENT_CERTIFICATE
                ? new Gate.Decision(null, context.gate().originRefusal(request.headers()))
                : context.gate().check(request.headers(), peer.address(), peer.certificateSubject());
        if (!decision.allowed()) {
            AuthRoutes.refuse(response, decision.refusal(), context.config().authMode() == AuthMode.BASIC);
            return;
        }
        String full = context.slots().refusal();
        if (full != null) {
            response.status(Status.SERVICE_UNAVAILABLE_503).send(full);
            return;
        }
        response.status(Status.BAD_REQUEST_400).send("this is a WebSocket endpoint (subprotocol tty)");
    }

    private static String hostAndPort(ServerConfig config) {
        return (config.host().contains(":") ? "[" + config.host() + "]" : config.host()) + ":" + config.port();
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

    private void closeHttpGuard() {
        HttpGuard guard = httpGuard.getAndSet(null);
        if (guard != null) {
            guard.close();
        }
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
        return URI.create((config.secure() ? "https://" : "http://") + host + ":" + port() + config.basePath() + "/");
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

    /** WebSockets now served on sockets taken over from Helidon (0 where Helidon serves them all). */
    public int takenOverWebSockets() {
        DirectUpgrader direct = directWebSockets.get();
        return direct == null ? 0 : direct.openCount();
    }

    public String ptyDescription() {
        return ptys.description();
    }

    /** The C heap under this JVM, for the stand-alone server to trim: empty in pure-Java mode. */
    public Optional<NativeHeap> nativeHeap() {
        return ptys.nativeHeap();
    }

    /** Terminals currently alive (their children not yet reaped). */
    public List<Terminal> terminals() {
        return List.copyOf(launcher.live());
    }

    /** Blocks until the server stops (by {@link #close}, --once or --exit-no-conn). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops the server: every client gets a close frame (1001, "server shutting down"), every
     * terminal is hung up (its end audited), and the server is gone within the kill grace and a
     * few seconds, whatever the children and clients do.
     */
    @Override
    public void close() {
        WebServer server = web.getAndSet(null);
        if (server == null) {
            return;
        }
        // Clients first, and told why: it is the server that goes, not their program that exited.
        heartbeat.closeAll(CloseCodes.GOING_AWAY, "server shutting down", GOODBYE_PATIENCE);
        List<Terminal> terminals = hangUpAll(List.of());
        CompletableFuture<?>[] ends = terminals.stream().map(Terminal::ended).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(ends).get(config.killGrace().plus(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warning("some terminals did not end in time: " + e);
        }
        // A terminal whose handshake was under way as the clients were closed.
        hangUpAll(terminals);
        server.stop();
        DirectUpgrader direct = directWebSockets.get();
        if (direct != null) {
            direct.closeAll();
        }
        closeHttpGuard();
        unobserve.get().run();
        heartbeat.close();
        ptys.close();
        authenticator.close();
        stopped.countDown();
    }

    /**
     * Hangs up every live terminal not in {@code done}, all at once: in pure-Java mode each hang-up
     * runs kill(1), and one after the other 200 of them took 25 s. Returns the terminals hung up.
     */
    private List<Terminal> hangUpAll(List<Terminal> done) {
        List<Terminal> terminals = launcher.live().stream().filter(terminal -> !done.contains(terminal)).toList();
        List<Thread> hangUps = terminals.stream()
                .map(terminal -> Thread.ofVirtual().name("hang-up-" + terminal.id()).start(terminal::hangUp))
                .toList();
        for (Thread hangUp : hangUps) {
            try {
                hangUp.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return terminals;
    }
}
