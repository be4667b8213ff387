package io.cloudterm.web;

import io.cloudterm.auth.GatewayKeys;
import io.cloudterm.auth.IdentityVerifier;
import io.cloudterm.auth.AuthMode;
import io.cloudterm.auth.Authenticator;
import io.cloudterm.config.ServerConfig;
import io.cloudterm.files.CopyingSender;
import io.cloudterm.files.FileCache;
import io.cloudterm.files.FileMount;
import io.cloudterm.files.FileRoot;
import io.cloudterm.files.PageAssetHandler;
import io.cloudterm.files.PageAssets;
import io.cloudterm.files.Responder;
import io.cloudterm.files.ZeroCopyFirst;
import io.cloudterm.files.ZeroCopySender;
import io.cloudterm.io.BufferPool;
import io.cloudterm.io.NativeHeap;
import io.cloudterm.io.ReadBuffers;
import io.cloudterm.observe.Observability;
import io.cloudterm.observe.ObservedServer;
import io.cloudterm.platform.Platform;
import io.cloudterm.protocol.CloseCodes;
import io.cloudterm.terminal.Terminal;
import io.cloudterm.terminal.TerminalLauncher;
import io.cloudterm.transfer.DownloadCommand;
import io.cloudterm.gateway.Gateway;
import io.cloudterm.websocket.DirectUpgrader;
import io.cloudterm.websocket.UpgradeListener;
import java.util.function.Supplier;
import io.cloudterm.websocket.UpgradeRoutes;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Everything CloudTerm serves under its path (login, token, API, page, the terminal WebSocket)
 * and the terminals behind it, as a Helidon {@link HttpFeature}: the stand-alone server adds it
 * to its own routing, a Helidon application gets it through {@code CloudTermFeature}, next to its
 * own routes. When the server it belongs to stops, its terminals are hung up and its platform (ptys, poller) freed.
 */
public final class CloudTermSite implements HttpFeature, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CloudTermSite.class.getName());
    private static final int READ_BUFFER_SIZE = 16 * 1024;
    private static final int MAX_POOLED_BUFFERS = 4096;
    /** Where a short pty read (an echo, a prompt) is kept while it is sent: see ReadBuffers. */
    private static final int SHORT_READ_BUFFER_SIZE = 1024;
    /** Reads of taken-over WebSockets: client messages are keystrokes and resizes, pastes at most. */
    private static final int WS_READ_BUFFER_SIZE = 16 * 1024;
    private static final int MAX_POOLED_WS_BUFFERS = 64;
    /** How long close frames may take at shutdown: a client that stopped reading cannot hold the server. */
    private static final Duration GOODBYE_PATIENCE = Duration.ofSeconds(2);

    private final ServerConfig config;
    private final boolean wholeServer;
    private final Platform platform;
    private final Heartbeat heartbeat;
    private final TerminalLauncher launcher;
    private final String accessToken;
    private final Authenticator authenticator;
    private final HostPolicy hosts;
    private final ServerContext context;
    private final DirectUpgrader webSockets;
    /** In gateway mode, what relays terminals to the hosts. */
    private Optional<Gateway> gateway = Optional.empty();
    private final AtomicInteger boundPort;
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicReference<UpgradeRoutes.Registration> upgradeRoute = new AtomicReference<>();
    private final AtomicReference<Runnable> unobserve = new AtomicReference<>(() -> { });
    private final Optional<FileMount> files;
    /** One HTTP answer for every file served, the page's, the shared directory's and the terminals' downloads. */
    private final Responder responder;
    /** The terminals' cloudterm-download command, where files can be moved through the page. */
    private final Optional<DownloadCommand> downloadCommand;

    private CloudTermSite(ServerConfig config, boolean wholeServer, Runnable stopServer,
                          Optional<HostAuthentication> hostAuthentication) {
        this.config = config;
        this.wholeServer = wholeServer;
        this.boundPort = new AtomicInteger(config.port());
        this.hosts = new HostPolicy(config.host(), config.hosts().allowed(), boundPort::get, config.secure());
        AtomicReference<String> token = new AtomicReference<>();
        this.authenticator = Logins.authenticator(config, token::set);
        // An application that signs its users in has no use for a token login: none is offered.
        this.accessToken = hostAuthentication.isPresent() ? null : token.get();
        this.platform = Platform.select(config.nativeMode());
        Gate gate = new Gate(authenticator, hosts, new OriginPolicy(config.allowedOrigins()),
                new SessionCookie(config.basePath(), config.secure()), config.secure());
        this.heartbeat = new Heartbeat(config.pingInterval());
        // A gateway runs no terminals; a server that moves no files gives its terminals no command to ask for one.
        this.downloadCommand = config.gateway().relays() || TransferApi.whyOff(config) != null ? Optional.empty()
                : Optional.of(DownloadCommand.install());
        this.launcher = new TerminalLauncher(config, platform.ptys(), new ReadBuffers(
                new BufferPool(READ_BUFFER_SIZE, MAX_POOLED_BUFFERS), new BufferPool(SHORT_READ_BUFFER_SIZE, MAX_POOLED_BUFFERS)),
                downloadCommand.map(DownloadCommand::directory));
        // What a removed (or re-passworded, perhaps stolen) account started must not outlive it, nor its share links.
        authenticator.onAccountChanged(user -> launcher.terminals().hangUpAllOf(user.name()));
        ClientSlots slots = new ClientSlots(config.maxClients(), config.once(), config.exitNoConn(), stopServer);
        this.context = new ServerContext(config, gate, slots, heartbeat, launcher,
                new RequestAuth(gate, config.basePath(), hostAuthentication));
        this.webSockets = takeOverWebSockets();
        // Zero-copy where the platform offers it and Helidon's sockets are in reach; copies otherwise.
        String whyNoZeroCopy = platform.fileSending().isEmpty() ? "the platform is pure Java" : ZeroCopySender.whyNot();
        this.responder = new Responder(whyNoZeroCopy == null
                ? new ZeroCopyFirst(new ZeroCopySender(platform.fileSending().get()), new CopyingSender())
                : new CopyingSender());
        this.files = sharedFiles(config, responder, whyNoZeroCopy);
    }

    /** The operator's shared directory, checked now so that a directory that cannot be served stops the start. */
    private static Optional<FileMount> sharedFiles(ServerConfig config, Responder responder, String whyNot) {
        ServerConfig.Files files = config.files();
        if (files.directory().isEmpty()) {
            return Optional.empty();
        }
        FileRoot root;
        try {
            root = new FileRoot(files.directory().get(), files.followSymlinks(), false);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--files " + files.directory().get() + " cannot be served: " + e.getMessage(), e);
        }
        // Below the cache's per-file limit a file costs no open and no read once it is held: only the socket write.
        Optional<FileCache> cache = files.cacheBytes() > 0 ? Optional.of(FileCache.holding(files.cacheBytes())) : Optional.empty();
        LOG.info(() -> "sharing " + root.directory() + " at " + config.filesPath() + "/"
                + (files.publicAccess() ? " without a login" : " behind the login")
                + (files.listing() ? ", directories listed" : "")
                + (cache.isPresent() ? ", small files held in up to " + files.cacheBytes() + " bytes of memory" : "")
                + (whyNot == null ? "; file bodies sent with sendfile(2) on plain HTTP, copied under TLS"
                        : "; file bodies copied, because " + whyNot));
        return Optional.of(new FileMount(config.filesPath(), root, files.listing(), cache, responder));
    }

    /**
     * The site of a server that is CloudTerm and nothing else: its filters (Host check, security
     * headers, logins) judge every request; {@code stopServer} ends it for --once and --exit-no-conn.
     * Throws {@link IllegalArgumentException} for a configuration that cannot work.
     */
    public static CloudTermSite wholeServer(ServerConfig config, Runnable stopServer) {
        checkLogin(config);
        return new CloudTermSite(config, true, stopServer, trustedGateway(config));
    }

    /**
     * The site mounted at {@code config.basePath()} of an application's server: its filters judge
     * only the requests under that path, the application's own routes are left as they are.
     */
    public static CloudTermSite mounted(ServerConfig config) {
        return mounted(config, Optional.empty());
    }

    /**
     * As {@link #mounted(ServerConfig)}; with {@code hostAuthentication}, the application's own
     * sign-in replaces CloudTerm's logins: its user owns the terminals, there is no login form and
     * no access token. The Host and Origin checks stay.
     */
    public static CloudTermSite mounted(ServerConfig config, Optional<HostAuthentication> hostAuthentication) {
        if (hostAuthentication.isPresent() && config.authMode() != AuthMode.TOKEN) {
            throw new IllegalArgumentException("authentication(...) replaces CloudTerm's logins: leave out "
                    + "credential, users, no-auth and client certificates (" + config.authMode() + " was configured)");
        }
        checkLogin(config);
        if (config.basePath().isEmpty()) {
            throw new IllegalArgumentException("inside a Helidon application CloudTerm needs a path of its own, e.g. /term");
        }
        if (config.once() || config.exitNoConn()) {
            throw new IllegalArgumentException("--once and --exit-no-conn stop a stand-alone server;"
                    + " inside a Helidon application the application decides when to stop");
        }
        if (hostAuthentication.isPresent() && config.gateway().trust().isPresent()) {
            throw new IllegalArgumentException("authentication(...) and gateway.trust both say who the users are: choose one");
        }
        return new CloudTermSite(config, false, () -> { }, hostAuthentication.or(() -> trustedGateway(config)));
    }

    /** A host behind a gateway signs nobody in itself: the gateway's signed identity is the only way in. */
    private static Optional<HostAuthentication> trustedGateway(ServerConfig config) {
        Optional<java.nio.file.Path> keyFile = config.gateway().trust();
        if (keyFile.isEmpty()) {
            return Optional.empty();
        }
        GatewayKeys keys = GatewayKeys.trusted(keyFile.get(), "--trust-gateway " + keyFile.get());
        LOG.info(() -> "serving only requests a gateway signed for, checked with the public key in " + keyFile.get()
                + "; no login of its own");
        return Optional.of(new GatewaySignIn(new IdentityVerifier(keys)));
    }

    private static void checkLogin(ServerConfig config) {
        if (config.authMode() == AuthMode.NONE && !config.loopbackOnly()) {
            throw new IllegalArgumentException("--no-auth is allowed only on a loopback interface (-i 127.0.0.1), not "
                    + config.host());
        }
    }

    /**
     * Terminal WebSockets are upgraded by us in every mode, so one frame decoder of ours judges
     * every client (Helidon's own answers some bad frames with an HTTP 500 inside the WebSocket
     * stream). In native mode, those on plain TCP then leave Helidon: the socket moves to the native
     * poller, where an idle connection holds no thread and output goes from the pooled buffers to
     * the kernel (Helidon's thread, read buffer and copies cost ~25 KB per connection and ~4 copies
     * per message). With TLS or in pure-Java mode they stay on Helidon's connection and thread.
     */
    private DirectUpgrader takeOverWebSockets() {
        String whyNot = config.secure() ? "TLS is on (the bytes must pass through the JDK's SSLEngine)"
                : platform.rawSockets().isEmpty() ? "the pty system is pure Java"
                : DirectUpgrader.whyNot();
        gateway = config.gateway().relays() ? Optional.of(io.cloudterm.gateway.GatewaySetup.start(config, platform, whyNot)) : Optional.empty();
        Supplier<UpgradeListener> endpoints = gateway.isPresent() ? () -> new GatewayEndpoint(context, gateway.get())
                : () -> new TerminalEndpoint(context);
        DirectUpgrader upgrader = new DirectUpgrader(config.basePath() + "/ws", endpoints,
                whyNot == null ? platform.rawSockets() : Optional.empty(),
                new BufferPool(WS_READ_BUFFER_SIZE, MAX_POOLED_WS_BUFFERS), TerminalEndpoint.MAX_MESSAGE_BYTES);
        LOG.info(whyNot == null ? "WebSockets: taken over from Helidon after the upgrade, served on the native poller"
                : "WebSockets: served on Helidon's connections, because " + whyNot);
        return upgrader;
    }

    /** The upgrader of {@code <path>/ws}, for the stand-alone server's own HTTP/1 connections. */
    DirectUpgrader webSockets() {
        return webSockets;
    }

    @Override
    public void setup(HttpRouting.Builder routing) {
        routing.addFilter(scoped(hosts));
        routes(routing);
    }

    /**
     * On an application's server, the WebSocket upgrade of our path is answered by our upgrader
     * through {@link UpgradeRoutes}, found by the port the server is bound to.
     */
    @Override
    public void afterStart(WebServer server) {
        boundPort.set(server.port());
        if (!wholeServer) {
            upgradeRoute.set(UpgradeRoutes.add(server.port(), webSockets));
        }
        // Once the server has started: its observe feature (ours, or the application's) has made its registry.
        unobserve.set(Observability.meters(observed()));
        sweepSessions();
    }

    /** What the meters and health checks read of this site. */
    ObservedServer observed() {
        return new ObservedServer(this::terminals, launcher::scrollbackBytesHeld, platform.ptys(),
                config.recording().directory(), config.usersFile(), files.flatMap(FileMount::cache)
                        .map(cache -> new ObservedServer.FilesCache(cache::hits, cache::reads, cache::heldBytes))
                        .orElse(ObservedServer.FilesCache.NONE),
                gateway.map(g -> new ObservedServer.Relays(g::openRelays, () -> g.hosts().size(), g::relayedBytes, g::hostsLost,
                        g::unreached)).orElse(ObservedServer.Relays.NONE));
    }

    /** The server is gone: hang up what is left and free the platform. */
    @Override
    public void afterStop() {
        close();
    }

    private Filter scoped(Filter filter) {
        if (wholeServer) {
            return filter;
        }
        String base = config.basePath();
        return (chain, request, response) -> {
            String path = request.path().path();
            if (path.equals(base) || path.startsWith(base + "/")) {
                filter.filter(chain, request, response);
            } else {
                chain.proceed();
            }
        };
    }

    /**
     * Ends expired sessions (and so their terminals' connections) even when nobody asks for them,
     * and those of accounts removed from the users file or given a new password.
     */
    private void sweepSessions() {
        Thread.ofVirtual().name("session-sweep").start(() -> {
            while (!released.get()) {
                authenticator.sweep();
                try {
                    Thread.sleep(config.timers().sessionSweep());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void routes(HttpRouting.Builder routing) {
        String base = config.basePath();
        Gate gate = context.gate();
        LoginPage loginPage = new LoginPage(base);
        ErrorPages pages = new ErrorPages(base);
        routing.addFilter(scoped(new SecurityHeaders(config.secure(), config.frameAncestors())));
        // One decision for every request under our path (and our own server's <base>/observe): see RequestAuth.
        routing.addFilter(scoped(new AuthFilter(context.auth(), base, wholeServer && !config.observe().publicEndpoints(),
                files.map(mount -> new AuthFilter.SharedFiles(mount.path(), config.files().publicAccess())), Optional.of(pages))));
        routing.register(base.isEmpty() ? "/" : base, new AuthRoutes(gate, loginPage));
        routing.register(base.isEmpty() ? "/" : base, gateway.isPresent() ? new GatewayTerminalsApi(gateway.get(), TransferApi.whyOff(config))
                : new TerminalsApi(launcher, pages));
        if (gateway.isEmpty()) {
            routing.register(base.isEmpty() ? "/" : base, new TransferApi(launcher, config, responder));
        }
        if (config.gateway().trust().isPresent()) {
            routing.register(base.isEmpty() ? "/" : base, new HostLoadApi(launcher.terminals()));
        }
        routing.get(base + "/ws", (request, response) -> refusedUpgrade(context, response));
        if (!base.isEmpty()) {
            routing.get(base, (request, response) -> {
                response.status(Status.MOVED_PERMANENTLY_301);
                response.headers().location(URI.create(base + "/"));
                response.send();
            });
        }
        files.ifPresent(mount -> {
            // Before the page's files, which are looked for under every path of the base path.
            routing.any(mount.path(), mount);
            routing.any(mount.path() + "/*", mount);
        });
        routing.register(base.isEmpty() ? "/" : base,
                new PageAssetHandler(PageAssets.beside(CloudTermSite.class, "web"), base, responder));
        if (wholeServer || !base.isEmpty()) {
            // Last: what nothing above answered is not ours (inside an application, with no base path, it may be the application's).
            routing.any(base + "/*", (request, response) -> pages.send(request.headers(), response, Status.NOT_FOUND_404,
                    "not found", pages.nothingHere()));
        }
    }

    /** A /ws request that did not become a WebSocket: say precisely why. */
    private static void refusedUpgrade(ServerContext context, ServerResponse response) {
        // Who may ask was decided by AuthFilter (RequestAuth.Purpose.UPGRADE_ROUTE): what is left is why not.
        String full = context.slots().refusal();
        if (full != null) {
            response.status(Status.SERVICE_UNAVAILABLE_503).send(full);
            return;
        }
        response.status(Status.BAD_REQUEST_400).send("this is a WebSocket endpoint (subprotocol tty)");
    }

    public ServerConfig config() {
        return config;
    }

    /** The access token of {@link AuthMode#TOKEN}, for the command line to print and for embedding code. */
    public Optional<String> accessToken() {
        return Optional.ofNullable(accessToken);
    }

    /** WebSockets now served on sockets taken over from Helidon (0 where Helidon serves them all). */
    public int takenOverWebSockets() {
        return webSockets.openCount();
    }

    public String ptyDescription() {
        return platform.description();
    }

    /** The C heap under this JVM, for the stand-alone server to trim: empty in pure-Java mode. */
    public Optional<NativeHeap> nativeHeap() {
        return platform.nativeHeap();
    }

    /** Terminals currently alive (their children not yet reaped). */
    public List<Terminal> terminals() {
        return List.copyOf(launcher.terminals().live());
    }

    /**
     * Says goodbye while the connections are still there: every client gets a close frame (1001,
     * "server shutting down"), every terminal is hung up (its end audited), within the kill grace
     * and a few seconds, whatever the children and clients do.
     */
    void goodbye() {
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
    }

    /** Hangs up every terminal and frees what the site holds; once, whoever asks first. */
    @Override
    public void close() {
        if (released.getAndSet(true)) {
            return;
        }
        UpgradeRoutes.Registration route = upgradeRoute.getAndSet(null);
        if (route != null) {
            route.close();
        }
        goodbye();
        unobserve.getAndSet(() -> { }).run();
        webSockets.closeAll();
        gateway.ifPresent(Gateway::close);
        heartbeat.close();
        platform.close();
        authenticator.close();
        downloadCommand.ifPresent(DownloadCommand::close);
    }

    /**
     * Hangs up every live terminal not in {@code done}, all at once: in pure-Java mode each hang-up
     * runs kill(1), and one after the other 200 of them took 25 s. Returns the terminals hung up.
     */
    private List<Terminal> hangUpAll(List<Terminal> done) {
        List<Terminal> terminals = launcher.terminals().live().stream().filter(terminal -> !done.contains(terminal)).toList();
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
