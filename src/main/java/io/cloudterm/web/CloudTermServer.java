package io.cloudterm.web;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.config.ServerConfig;
import io.cloudterm.io.NativeHeap;
import io.cloudterm.observe.Observability;
import io.cloudterm.terminal.Terminal;
import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * A running stand-alone CloudTerm: a Helidon server of its own with {@link CloudTermSite} (the same
 * routes and terminals an application gets from {@code CloudTermFeature}), plus what only a server
 * of our own can do: our TLS files, the HTTP hardening of every connection ({@link HttpGuard}),
 * the open-files headroom. {@link #start} returns once the port is bound; {@link #close} hangs up
 * every terminal and stops.
 */
public final class CloudTermServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CloudTermServer.class.getName());

    private final ServerConfig config;
    private final CloudTermSite site;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<WebServer> web = new AtomicReference<>();
    private final AtomicReference<HttpGuard> httpGuard = new AtomicReference<>();

    private CloudTermServer(ServerConfig config, java.util.function.Function<Runnable, CloudTermSite> site) {
        this.config = config;
        this.site = site.apply(() -> Thread.ofVirtual().start(this::close));
    }

    /**
     * Binds the port and starts serving. Throws {@link IllegalArgumentException} for a configuration
     * that cannot work (unreadable TLS files, --no-auth off loopback) and {@link IllegalStateException}
     * when the port cannot be bound; both with a message for a person.
     */
    public static CloudTermServer start(ServerConfig config) {
        Optional<TlsSettings> tls = config.tls().map(f -> TlsSettings.create(f.certificate(), f.privateKey(), f.clientCa()));
        CloudTermServer server = new CloudTermServer(config, stop -> CloudTermSite.wholeServer(config, stop));
        CloudTermSite site = server.site;
        try {
            var builder = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    // Helidon's own hook would drop every connection while ours says goodbye: close() stops it.
                    .shutdownHook(false)
                    // Bodies are login forms at most, but for uploads, which stream and are bounded by --upload-max
                    // (RequestFraming refuses large bodies elsewhere); Helidon's defaults bound the request line
                    // (4 KiB) and the headers (16 KiB), answering 414/431 beyond them.
                    .maxPayloadSize(-1)
                    .routing(routing -> routing.addFeature(site));
            server.listenerLimits(builder, site.webSockets());
            // Under the base path, so that a reverse proxy that forwards the base path forwards them too;
            // behind the login unless --observe-public (see RequestAuth.Purpose.OBSERVE).
            Observability.install(builder, config.basePath() + "/observe", site.observed(),
                    config.observe().publicEndpoints());
            tls.ifPresent(t -> builder.tls(t.tls()));
            try (ListenerFailure failure = ListenerFailure.watch()) {
                server.web.set(builder.build().start());
                if (server.web.get().port() < 0) {
                    server.web.get().stop();
                    throw new IllegalStateException("cannot listen on " + hostAndPort(config) + ": " + failure.reason());
                }
            }
        } catch (IllegalStateException e) {
            server.closeHttpGuard();
            site.close();
            throw e;
        } catch (RuntimeException e) {
            server.closeHttpGuard();
            site.close();
            throw new IllegalStateException(bindFailure(config, e), e);
        }
        tls.ifPresent(t -> LOG.info(t.description()));
        if (config.authMode() == AuthMode.NONE) {
            LOG.warning("--no-auth: anyone who can reach " + config.host() + ":" + server.port()
                    + " gets a shell as this user");
        }
        return server;
    }

    /**
     * What a client may hold of the server: every HTTP/1 connection goes through our guard (request
     * timeouts, strict body framing, Connection: close, HTTP/1.0 answered), upgrading WebSockets with
     * {@code webSockets}; and new connections are refused before the process runs out of files.
     */
    private void listenerLimits(WebServerConfig.Builder builder, Http1Upgrader webSockets) {
        HttpGuard guard = new HttpGuard(config.http(), List.of(webSockets), TransferApi.uploads(config.basePath()));
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
        return accessToken().map(token -> URI.create(url() + "#token=" + token)).orElse(url());
    }

    /** The access token of {@link AuthMode#TOKEN}, for tests and embedding code. */
    public Optional<String> accessToken() {
        return site.accessToken();
    }

    /** WebSockets now served on sockets taken over from Helidon (0 where Helidon serves them all). */
    public int takenOverWebSockets() {
        return site.takenOverWebSockets();
    }

    public String ptyDescription() {
        return site.ptyDescription();
    }

    /** The C heap under this JVM, for the stand-alone server to trim: empty in pure-Java mode. */
    public Optional<NativeHeap> nativeHeap() {
        return site.nativeHeap();
    }

    /** Terminals currently alive (their children not yet reaped). */
    public List<Terminal> terminals() {
        return site.terminals();
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
        site.goodbye();
        server.stop();
        site.close();
        closeHttpGuard();
        stopped.countDown();
    }
}
