package io.cloudterm.config;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.pty.NativeMode;
import io.cloudterm.pty.Signal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a server needs to start, grouped by concern: where it listens, who may log in, what
 * each terminal runs, what is recorded. Built with {@link #builder()} (the command line and an
 * embedding application's {@code application.yaml} both fill it, see {@code CloudTermConfig});
 * {@link Builder#build()} checks that the parts fit together.
 */
public final class ServerConfig {

    /**
     * Where and how the server listens.
     *
     * @param host     interface to bind, 127.0.0.1 by default
     * @param port     TCP port; 0 picks a free one
     * @param basePath "" or a path like "/term" (no trailing slash) that every URL lives under
     * @param tls      certificate, key and optional client CA; empty for plain HTTP
     * @param http     how long a client may take to send a request
     * @param hosts    the Host names the server answers to besides its own addresses
     * @param tlsByHost TLS is done by the Helidon server CloudTerm is mounted in (no files of ours)
     */
    public record Listener(String host, int port, String basePath, Optional<TlsFiles> tls, HttpLimits http, Hosts hosts,
                           boolean tlsByHost) {
    }

    /**
     * Who may log in, and from where.
     *
     * @param mode           how people log in
     * @param credential     user:password for {@link AuthMode#BASIC}
     * @param usersFile      the htpasswd file of {@link AuthMode#USERS}
     * @param sessions       idle timeout and absolute lifetime of browser sessions
     * @param loginLimits    token buckets for login attempts
     * @param allowedOrigins extra Origins accepted besides the server's own ("*" for any)
     * @param frameAncestors the CSP frame-ancestors sources allowed to embed the page ("'none'")
     */
    public record Auth(AuthMode mode, Optional<String> credential, Optional<Path> usersFile, SessionLimits sessions,
                       LoginLimits loginLimits, Set<String> allowedOrigins, String frameAncestors) {
        public Auth {
            allowedOrigins = Set.copyOf(allowedOrigins);
        }

        /** Says whether there is a credential, never what it is: configurations end up in logs. */
        @Override
        public String toString() {
            return "Auth[mode=" + mode + ", credential=" + credential.map(c -> "(set)").orElse("(none)")
                    + ", usersFile=" + usersFile + ", sessions=" + sessions + ", loginLimits=" + loginLimits
                    + ", allowedOrigins=" + allowedOrigins + ", frameAncestors=" + frameAncestors + "]";
        }
    }

    /**
     * What each terminal runs, and who may attach to it.
     *
     * @param command          program and arguments to run for each terminal
     * @param workingDirectory the child's working directory
     * @param terminalType     the child's TERM
     * @param clientOptions    xterm.js options sent as SET_PREFERENCES (values are JSON or plain strings)
     * @param readonly         clients cannot type or resize
     * @param hangupSignal     sent to the child's process group when its client leaves
     * @param killGrace        time after the hang-up signal before SIGKILL
     * @param urlArgs          append the page's {@code ?arg=} values to the command's arguments
     * @param limits           keep-alive, scrollback and how many terminals may exist
     * @param clients          how many clients may attach to one terminal, and to other users' terminals
     * @param maxClients       most clients at once, 0 for no limit
     * @param once             accept one client and stop when it leaves
     * @param exitNoConn       stop when the last client leaves
     */
    public record Terminals(List<String> command, Path workingDirectory, String terminalType,
                            Map<String, String> clientOptions, boolean readonly, Signal hangupSignal,
                            Duration killGrace, boolean urlArgs, TerminalLimits limits, ClientLimits clients,
                            int maxClients, boolean once, boolean exitNoConn) {
        public Terminals {
            command = List.copyOf(command);
            // Kept in the order given: SET_PREFERENCES lists them as the operator wrote them.
            clientOptions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(clientOptions));
        }
    }

    /**
     * Host names accepted besides the bound address (and localhost on loopback, every interface
     * address on a wildcard bind): {@code NAME} at any port, {@code NAME:PORT} at that one; "*"
     * accepts any Host, which lets a web page reach the server through DNS rebinding.
     */
    public record Hosts(Set<String> allowed) {
        public static final Hosts DEFAULT = new Hosts(Set.of());

        public Hosts {
            allowed = Set.copyOf(allowed);
        }
    }

    /**
     * Terminals that outlive their connection.
     *
     * @param keepAlive       how long a terminal with nobody attached lives on; zero: hang up at once
     * @param scrollbackBytes recent output kept per terminal for clients that attach later
     * @param max             most terminals alive at once, attached or not
     * @param maxPerUser      most terminals one user may have
     */
    public record TerminalLimits(Duration keepAlive, int scrollbackBytes, int max, int maxPerUser) {
        public static final TerminalLimits DEFAULT = new TerminalLimits(Duration.ofMinutes(10), 1 << 20, 64, 8);
    }

    /**
     * Clients attached at once: each holds a connection and may hold output it has not read yet
     * (up to the "fell behind" limit), so their number is bounded like terminals are.
     *
     * @param perTerminal   most guests' clients on one terminal, and apart from them most of its
     *                      owner's own (so guests cannot lock the owner out)
     * @param guestsPerUser most clients one user may have on other users' terminals, through share
     *                      links (on their own terminals, users are bounded by the limits above)
     */
    public record ClientLimits(int perTerminal, int guestsPerUser) {
        public static final ClientLimits DEFAULT = new ClientLimits(32, 64);
    }

    /**
     * Recording: where each terminal's asciicast v2 file goes (empty: no recording), and whether
     * typed input is recorded too (off by default: it holds passwords typed at prompts).
     */
    public record Recording(Optional<Path> directory, boolean input) {
        public static final Recording NONE = new Recording(Optional.empty(), false);
    }

    /**
     * Time allowed to a client for each request, so that slow or silent clients cannot hold
     * connections (and file descriptors) at will.
     *
     * @param headerTimeout from connecting, or from the end of the previous response, to the last header
     * @param bodyTimeout   from the last header to the last byte of the body
     */
    public record HttpLimits(Duration headerTimeout, Duration bodyTimeout) {
        public static final HttpLimits DEFAULT = new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30));

        public HttpLimits {
            if (headerTimeout.isNegative() || headerTimeout.isZero() || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
                throw new IllegalArgumentException("request timeouts must be positive");
            }
        }
    }

    /**
     * The metrics and health endpoints of a stand-alone server ({@code <base>/observe/metrics},
     * {@code .../health}). Inside a Helidon application, its own observe feature serves them.
     *
     * @param publicEndpoints served without a login (for a scraper or a load balancer that cannot
     *                        log in); by default they need the same login as a terminal
     */
    public record Observe(boolean publicEndpoints) {
        public static final Observe DEFAULT = new Observe(false);
    }

    /**
     * A directory the operator shares with the terminals' users, served read-only over HTTP.
     *
     * @param directory      the directory; empty: nothing is shared
     * @param path           where it is served, a path like {@code /term/files} under the base path
     *                       (no final slash); empty: {@code <base path>/files}
     * @param publicAccess   served without a login; by default it needs the same login as a terminal
     * @param listing        directories without an {@code index.html} are listed; by default they are 404
     * @param followSymlinks symbolic links are followed out of the directory; by default only those
     *                       whose target is inside it are
     * @param cacheBytes     bytes of small files held in memory for the requests that ask for them
     *                       again; 0: none, every file is read from the disk
     */
    public record Files(Optional<Path> directory, Optional<String> path, boolean publicAccess, boolean listing,
                        boolean followSymlinks, long cacheBytes) {
        public static final long DEFAULT_CACHE_BYTES = 64L << 20;
        public static final Files NONE = new Files(Optional.empty(), Optional.empty(), false, false, false, DEFAULT_CACHE_BYTES);

        public Files {
            if (cacheBytes < 0) {
                throw new IllegalArgumentException("the files cache cannot hold a negative number of bytes: " + cacheBytes);
            }
        }
    }

    /**
     * Files in and out of a terminal from the page: uploads into the terminal's current directory,
     * downloads of files a program in it offers (see {@code cloudterm-download}).
     *
     * @param enabled   whether the page may move files at all; off, the endpoints answer 403
     * @param uploadMax the largest upload accepted, in bytes
     */
    public record Transfer(boolean enabled, long uploadMax) {
        public static final long DEFAULT_UPLOAD_MAX = 1L << 30;
        public static final Transfer DEFAULT = new Transfer(true, DEFAULT_UPLOAD_MAX);

        public Transfer {
            if (uploadMax < 1) {
                throw new IllegalArgumentException("the upload limit must be at least one byte: " + uploadMax);
            }
        }
    }

    /**
     * Many hosts behind one address. A gateway ({@code hosts} present) owns the people: logins,
     * sessions, the page; it relays each terminal's WebSocket to a host and spawns nothing. A host
     * that trusts a gateway ({@code trust} present) has no login of its own: it serves only
     * requests carrying an identity signed with the shared key.
     *
     * @param hosts     the gateway's {@code --hosts}: {@code static:h1:7681,h2:7681} or {@code dns:NAME:PORT}
     * @param placement where a user's new terminal goes
     * @param key       the gateway's key file, which it signs with
     * @param trust     the host's key file, which it checks identities with
     * @param refresh   how often a {@code dns:} name is looked up again
     * @param splice    relay with {@code splice(2)} where the platform offers it; otherwise copy
     */
    public record Gateway(Optional<String> hosts, Placement placement, Optional<Path> key, Optional<Path> trust,
                          Duration refresh, boolean splice) {
        public static final Gateway NONE = new Gateway(Optional.empty(), Placement.HASH, Optional.empty(), Optional.empty(),
                Duration.ofSeconds(10), true);

        /** Where a gateway puts a user's new terminal. */
        public enum Placement {
            /** By a rendezvous hash of the user: a user's terminals sit together. */
            HASH,
            /** On the host with the fewest terminals. */
            LEAST_LOADED
        }

        /** Whether this server is a gateway. */
        public boolean relays() {
            return hosts.isPresent();
        }
    }

    /**
     * What a program in a terminal may do with the clipboard of the browser that shows it, through
     * OSC 52: write to it always; read it only if {@code read}, since whatever was copied last (a
     * password, say) would go to the program, and to whoever runs it.
     */
    public record Clipboard(boolean read) {
        public static final Clipboard WRITE_ONLY = new Clipboard(false);
    }

    /** The PEM files of --ssl-cert, --ssl-key and --ssl-ca. */
    public record TlsFiles(Path certificate, Path privateKey, Optional<Path> clientCa) {
    }

    /** How long a browser session lives: idle, and at most. */
    public record SessionLimits(Duration idle, Duration lifetime) {
        public static final SessionLimits DEFAULT = new SessionLimits(Duration.ofMinutes(30), Duration.ofHours(12));
    }

    /**
     * Login attempts allowed per client address: a burst, then one per refill period; per user name
     * half as many, so that many addresses cannot try one account faster than one address could.
     */
    public record LoginLimits(int burst, Duration refill) {
        public static final LoginLimits DEFAULT = new LoginLimits(10, Duration.ofSeconds(6));
    }

    /**
     * The server's own timers, not on the command line: their defaults suit every use, and tests
     * shorten them instead of waiting them out.
     *
     * @param greeting     how long a new terminal WebSocket may take to send JSON_DATA before it is closed (4408)
     * @param sessionSweep how often expired and revoked browser sessions are ended when nobody asks for them
     */
    public record Timers(Duration greeting, Duration sessionSweep) {
        public static final Timers DEFAULT = new Timers(Duration.ofSeconds(10), Duration.ofSeconds(10));

        public Timers {
            if (!greeting.isPositive() || !sessionSweep.isPositive()) {
                throw new IllegalArgumentException("the greeting timeout and the session sweep period must be positive");
            }
        }
    }

    private final Listener listener;
    private final Auth auth;
    private final Terminals terminal;
    private final Recording recording;
    private final NativeMode nativeMode;
    private final Duration pingInterval;
    private final Observe observe;
    private final Files files;
    private final Gateway gateway;
    private final Transfer transfer;
    private final Timers timers;
    private final Clipboard clipboard;

    private ServerConfig(Builder b) {
        this.listener = new Listener(b.host, b.port, b.basePath, b.tls, b.http, b.hosts, b.tlsByHost);
        this.auth = new Auth(b.authMode, b.credential, b.usersFile, b.sessions, b.loginLimits, b.allowedOrigins,
                b.frameAncestors);
        this.terminal = new Terminals(b.command, b.workingDirectory, b.terminalType, b.clientOptions, b.readonly,
                b.hangupSignal, b.killGrace, b.urlArgs, b.terminals, b.clients, b.maxClients, b.once, b.exitNoConn);
        this.recording = b.recording;
        this.nativeMode = b.nativeMode;
        this.pingInterval = b.pingInterval;
        this.observe = b.observe;
        this.files = b.files;
        this.gateway = b.gateway;
        this.transfer = b.transfer;
        this.timers = b.timers;
        this.clipboard = b.clipboard;
    }

    /** A builder with the command line's defaults; {@link Builder#command} has none and must be given. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration, to change a part of it. */
    public Builder toBuilder() {
        return new Builder().listener(listener).auth(auth).terminal(terminal).recording(recording)
                .nativeMode(nativeMode).pingInterval(pingInterval).observe(observe)
                .files(files).gateway(gateway).transfer(transfer).timers(timers).clipboard(clipboard);
    }

    public Listener listener() {
        return listener;
    }

    public Auth auth() {
        return auth;
    }

    public Terminals terminal() {
        return terminal;
    }

    public Recording recording() {
        return recording;
    }

    /** Native (FFM) or pure-Java ptys. */
    public NativeMode nativeMode() {
        return nativeMode;
    }

    /** How often idle WebSockets are pinged; two missed pongs close them. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** Who may read the metrics and health endpoints. */
    public Observe observe() {
        return observe;
    }

    /** The directory shared with the terminals' users, if any. */
    public Files files() {
        return files;
    }

    /** Gateway mode, or a host's trust in a gateway; {@link Gateway#NONE} for a server on its own. */
    public Gateway gateway() {
        return gateway;
    }

    /** Files in and out of the terminals from the page. */
    public Transfer transfer() {
        return transfer;
    }

    /** Where {@link #files()} is served: its path, else {@code <base path>/files}. */
    public String filesPath() {
        return files.path().orElse(basePath() + "/files");
    }

    /** The server's own timers (the JSON_DATA greeting's, the session sweep's). */
    public Timers timers() {
        return timers;
    }

    /** Whether programs may read the browser's clipboard, besides writing to it. */
    public Clipboard clipboard() {
        return clipboard;
    }

    // The parts most code needs, by the names it has always used.

    public String host() {
        return listener.host();
    }

    public int port() {
        return listener.port();
    }

    public String basePath() {
        return listener.basePath();
    }

    public Optional<TlsFiles> tls() {
        return listener.tls();
    }

    public HttpLimits http() {
        return listener.http();
    }

    public Hosts hosts() {
        return listener.hosts();
    }

    public AuthMode authMode() {
        return auth.mode();
    }

    public Optional<String> credential() {
        return auth.credential();
    }

    public Optional<Path> usersFile() {
        return auth.usersFile();
    }

    public SessionLimits sessions() {
        return auth.sessions();
    }

    public LoginLimits loginLimits() {
        return auth.loginLimits();
    }

    public Set<String> allowedOrigins() {
        return auth.allowedOrigins();
    }

    public String frameAncestors() {
        return auth.frameAncestors();
    }

    public List<String> command() {
        return terminal.command();
    }

    /**
     * Variables of the server's own environment that a terminal's child never inherits: the login
     * secret may be handed to the server in one, and no shell should be able to read it back.
     */
    public Set<String> withheldEnvironment() {
        return Set.of(io.cloudterm.auth.BasicCredential.ENVIRONMENT_VARIABLE);
    }

    public Path workingDirectory() {
        return terminal.workingDirectory();
    }

    public String terminalType() {
        return terminal.terminalType();
    }

    public Map<String, String> clientOptions() {
        return terminal.clientOptions();
    }

    public boolean readonly() {
        return terminal.readonly();
    }

    public Signal hangupSignal() {
        return terminal.hangupSignal();
    }

    public Duration killGrace() {
        return terminal.killGrace();
    }

    public boolean urlArgs() {
        return terminal.urlArgs();
    }

    public TerminalLimits terminals() {
        return terminal.limits();
    }

    public ClientLimits clients() {
        return terminal.clients();
    }

    public int maxClients() {
        return terminal.maxClients();
    }

    public boolean once() {
        return terminal.once();
    }

    public boolean exitNoConn() {
        return terminal.exitNoConn();
    }

    /** Whether clients reach the server over TLS, ours or that of the server CloudTerm is mounted in. */
    public boolean secure() {
        return tls().isPresent() || listener.tlsByHost();
    }

    /** Whether the bind address is a loopback one (127.0.0.0/8, ::1, localhost). */
    public boolean loopbackOnly() {
        try {
            return java.net.InetAddress.getByName(host()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerConfig other && listener.equals(other.listener) && auth.equals(other.auth)
                && terminal.equals(other.terminal) && recording.equals(other.recording)
                && nativeMode == other.nativeMode && pingInterval.equals(other.pingInterval)
                && observe.equals(other.observe) && files.equals(other.files) && transfer.equals(other.transfer)
                && timers.equals(other.timers) && clipboard.equals(other.clipboard);
    }

    @Override
    public int hashCode() {
        return Objects.hash(listener, auth, terminal, recording, nativeMode, pingInterval, observe, files, transfer, timers,
                clipboard);
    }

    @Override
    public String toString() {
        return "ServerConfig[" + listener + ", " + auth + ", " + terminal + ", " + recording
                + ", nativeMode=" + nativeMode + ", pingInterval=" + pingInterval + ", " + observe + ", " + files
                + ", " + transfer + ", timers=" + timers + ", " + clipboard + "]";
    }

    /** Fills a {@link ServerConfig}; each setter replaces one value, {@link #build()} checks them together. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 7681;
        private String basePath = "";
        private Optional<TlsFiles> tls = Optional.empty();
        private HttpLimits http = HttpLimits.DEFAULT;
        private Hosts hosts = Hosts.DEFAULT;
        private boolean tlsByHost;
        private AuthMode authMode = AuthMode.TOKEN;
        private Optional<String> credential = Optional.empty();
        private Optional<Path> usersFile = Optional.empty();
        private SessionLimits sessions = SessionLimits.DEFAULT;
        private LoginLimits loginLimits = LoginLimits.DEFAULT;
        private Set<String> allowedOrigins = Set.of();
        private String frameAncestors = "'none'";
        private List<String> command = List.of();
        private Path workingDirectory = Path.of("").toAbsolutePath();
        private String terminalType = "xterm-256color";
        private Map<String, String> clientOptions = Map.of();
        private boolean readonly;
        private Signal hangupSignal = Signal.HUP;
        private Duration killGrace = Duration.ofSeconds(5);
        private boolean urlArgs;
        private TerminalLimits terminals = TerminalLimits.DEFAULT;
        private ClientLimits clients = ClientLimits.DEFAULT;
        private int maxClients;
        private boolean once;
        private boolean exitNoConn;
        private Recording recording = Recording.NONE;
        private NativeMode nativeMode = NativeMode.AUTO;
        private Duration pingInterval = Duration.ofSeconds(30);
        private Observe observe = Observe.DEFAULT;
        private Files files = Files.NONE;
        private Gateway gateway = Gateway.NONE;
        private Transfer transfer = Transfer.DEFAULT;
        private Timers timers = Timers.DEFAULT;
        private Clipboard clipboard = Clipboard.WRITE_ONLY;

        private Builder() {
        }

        public Builder listener(Listener listener) {
            return host(listener.host()).port(listener.port()).basePath(listener.basePath()).tls(listener.tls())
                    .http(listener.http()).hosts(listener.hosts()).tlsByHost(listener.tlsByHost());
        }

        public Builder auth(Auth auth) {
            return authMode(auth.mode()).credential(auth.credential()).usersFile(auth.usersFile())
                    .sessions(auth.sessions()).loginLimits(auth.loginLimits()).allowedOrigins(auth.allowedOrigins())
                    .frameAncestors(auth.frameAncestors());
        }

        public Builder terminal(Terminals terminal) {
            return command(terminal.command()).workingDirectory(terminal.workingDirectory())
                    .terminalType(terminal.terminalType()).clientOptions(terminal.clientOptions())
                    .readonly(terminal.readonly()).hangupSignal(terminal.hangupSignal()).killGrace(terminal.killGrace())
                    .urlArgs(terminal.urlArgs()).terminals(terminal.limits()).clients(terminal.clients())
                    .maxClients(terminal.maxClients()).once(terminal.once()).exitNoConn(terminal.exitNoConn());
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder basePath(String basePath) {
            this.basePath = Objects.requireNonNull(basePath);
            return this;
        }

        public Builder tls(Optional<TlsFiles> tls) {
            this.tls = Objects.requireNonNull(tls);
            return this;
        }

        public Builder http(HttpLimits http) {
            this.http = Objects.requireNonNull(http);
            return this;
        }

        public Builder hosts(Hosts hosts) {
            this.hosts = Objects.requireNonNull(hosts);
            return this;
        }

        public Builder tlsByHost(boolean tlsByHost) {
            this.tlsByHost = tlsByHost;
            return this;
        }

        public Builder authMode(AuthMode authMode) {
            this.authMode = Objects.requireNonNull(authMode);
            return this;
        }

        public Builder credential(Optional<String> credential) {
            this.credential = Objects.requireNonNull(credential);
            return this;
        }

        public Builder usersFile(Optional<Path> usersFile) {
            this.usersFile = Objects.requireNonNull(usersFile);
            return this;
        }

        public Builder sessions(SessionLimits sessions) {
            this.sessions = Objects.requireNonNull(sessions);
            return this;
        }

        public Builder loginLimits(LoginLimits loginLimits) {
            this.loginLimits = Objects.requireNonNull(loginLimits);
            return this;
        }

        public Builder allowedOrigins(Set<String> allowedOrigins) {
            this.allowedOrigins = Objects.requireNonNull(allowedOrigins);
            return this;
        }

        public Builder frameAncestors(String frameAncestors) {
            this.frameAncestors = Objects.requireNonNull(frameAncestors);
            return this;
        }

        public Builder command(List<String> command) {
            this.command = Objects.requireNonNull(command);
            return this;
        }

        public Builder workingDirectory(Path workingDirectory) {
            this.workingDirectory = Objects.requireNonNull(workingDirectory);
            return this;
        }

        public Builder terminalType(String terminalType) {
            this.terminalType = Objects.requireNonNull(terminalType);
            return this;
        }

        public Builder clientOptions(Map<String, String> clientOptions) {
            this.clientOptions = Objects.requireNonNull(clientOptions);
            return this;
        }

        public Builder readonly(boolean readonly) {
            this.readonly = readonly;
            return this;
        }

        public Builder hangupSignal(Signal hangupSignal) {
            this.hangupSignal = Objects.requireNonNull(hangupSignal);
            return this;
        }

        public Builder killGrace(Duration killGrace) {
            this.killGrace = Objects.requireNonNull(killGrace);
            return this;
        }

        public Builder urlArgs(boolean urlArgs) {
            this.urlArgs = urlArgs;
            return this;
        }

        public Builder terminals(TerminalLimits terminals) {
            this.terminals = Objects.requireNonNull(terminals);
            return this;
        }

        public Builder clients(ClientLimits clients) {
            this.clients = Objects.requireNonNull(clients);
            return this;
        }

        public Builder maxClients(int maxClients) {
            this.maxClients = maxClients;
            return this;
        }

        public Builder once(boolean once) {
            this.once = once;
            return this;
        }

        public Builder exitNoConn(boolean exitNoConn) {
            this.exitNoConn = exitNoConn;
            return this;
        }

        public Builder recording(Recording recording) {
            this.recording = Objects.requireNonNull(recording);
            return this;
        }

        public Builder nativeMode(NativeMode nativeMode) {
            this.nativeMode = Objects.requireNonNull(nativeMode);
            return this;
        }

        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = Objects.requireNonNull(pingInterval);
            return this;
        }

        public Builder timers(Timers timers) {
            this.timers = Objects.requireNonNull(timers);
            return this;
        }

        public Builder clipboard(Clipboard clipboard) {
            this.clipboard = Objects.requireNonNull(clipboard);
            return this;
        }

        public Builder observe(Observe observe) {
            this.observe = Objects.requireNonNull(observe);
            return this;
        }

        public Builder files(Files files) {
            this.files = Objects.requireNonNull(files);
            return this;
        }

        public Builder gateway(Gateway gateway) {
            this.gateway = Objects.requireNonNull(gateway);
            return this;
        }

        public Builder transfer(Transfer transfer) {
            this.transfer = Objects.requireNonNull(transfer);
            return this;
        }

        /** The configuration; an {@link IllegalArgumentException} says which parts do not fit together. */
        public ServerConfig build() {
            if (command.isEmpty()) {
                throw new IllegalArgumentException("no command to run");
            }
            if (!basePath.isEmpty() && (!basePath.startsWith("/") || basePath.endsWith("/"))) {
                throw new IllegalArgumentException("base path must start with / and not end with one: " + basePath);
            }
            String filesPath = files.path().orElse(basePath + "/files");
            if (!filesPath.startsWith(basePath + "/") || filesPath.endsWith("/")) {
                throw new IllegalArgumentException("the files path must be under the base path '" + basePath
                        + "' and not end with a slash: " + filesPath);
            }
            if (authMode == AuthMode.BASIC && credential.isEmpty()) {
                throw new IllegalArgumentException("Basic authentication needs a credential");
            }
            if (authMode == AuthMode.USERS && usersFile.isEmpty()) {
                throw new IllegalArgumentException("user accounts need a users file");
            }
            if (authMode == AuthMode.CLIENT_CERTIFICATE && tls.flatMap(TlsFiles::clientCa).isEmpty()) {
                throw new IllegalArgumentException("client-certificate login needs --ssl-ca");
            }
            if (gateway.relays() && gateway.key().isEmpty()) {
                throw new IllegalArgumentException("a gateway signs who its users are for the hosts: give it --gateway-key FILE");
            }
            if (!gateway.relays() && gateway.key().isPresent()) {
                throw new IllegalArgumentException("--gateway-key is for a gateway (cloudterm gateway --hosts ...);"
                        + " a host checks its signatures with the public key: --trust-gateway gateway.pub");
            }
            if (gateway.relays() && gateway.trust().isPresent()) {
                throw new IllegalArgumentException("a gateway does not trust another gateway: leave out --trust-gateway");
            }
            if (gateway.relays() && authMode == AuthMode.NONE) {
                throw new IllegalArgumentException("a gateway tells its hosts who each user is, so it needs a login: leave out --no-auth");
            }
            if (gateway.trust().isPresent() && authMode != AuthMode.TOKEN) {
                throw new IllegalArgumentException("--trust-gateway replaces this server's logins with the gateway's: leave out "
                        + "--credential, --users, --no-auth and --ssl-ca (" + authMode + " was configured)");
            }
            return new ServerConfig(this);
        }
    }
}
