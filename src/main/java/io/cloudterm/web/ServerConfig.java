package io.cloudterm.web;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.pty.NativeMode;
import io.cloudterm.pty.Signal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a server needs to start, as the command line (or an embedding application) gives it.
 *
 * @param host            interface to bind, 127.0.0.1 by default
 * @param port            TCP port; 0 picks a free one
 * @param basePath        "" or a path like "/term" (no trailing slash) that every URL lives under
 * @param command         program and arguments to run for each terminal
 * @param workingDirectory the child's working directory
 * @param terminalType    the child's TERM
 * @param clientOptions   xterm.js options sent as SET_PREFERENCES (values are JSON or plain strings)
 * @param authMode        how people log in
 * @param credential      user:password for {@link AuthMode#BASIC}
 * @param allowedOrigins  extra Origins accepted besides the server's own ("*" for any)
 * @param maxClients      most terminals at once, 0 for no limit
 * @param once            accept one client and stop when it leaves
 * @param exitNoConn      stop when the last client leaves
 * @param readonly        clients cannot type or resize
 * @param hangupSignal    sent to the child's process group when its client leaves
 * @param killGrace       time after the hang-up signal before SIGKILL
 * @param urlArgs         append the page's {@code ?arg=} values to the command's arguments
 * @param nativeMode      native (FFM) or pure-Java ptys
 * @param pingInterval    how often idle WebSockets are pinged; two missed pongs close them
 * @param usersFile       the htpasswd file of {@link AuthMode#USERS}
 * @param tls             certificate, key and optional client CA; empty for plain HTTP
 * @param sessions        idle timeout and absolute lifetime of browser sessions
 * @param loginLimits     token buckets for login attempts
 * @param frameAncestors  the CSP frame-ancestors sources allowed to embed the page ("'none'")
 * @param terminals       keep-alive, scrollback and how many terminals may exist
 * @param recording       asciicast recording of every terminal
 * @param hosts           the Host names the server answers to besides its own addresses
 * @param clients         how many clients may attach to one terminal, and to other users' terminals
 * @param http            how long a client may take to send a request
 * @param observe         who may read the metrics and health endpoints
 */
public record ServerConfig(String host, int port, String basePath, List<String> command, Path workingDirectory,
                           String terminalType, Map<String, String> clientOptions, AuthMode authMode,
                           Optional<String> credential, Set<String> allowedOrigins, int maxClients, boolean once,
                           boolean exitNoConn, boolean readonly, Signal hangupSignal, Duration killGrace,
                           boolean urlArgs, NativeMode nativeMode, Duration pingInterval, Optional<Path> usersFile,
                           Optional<TlsFiles> tls, SessionLimits sessions, LoginLimits loginLimits,
                           String frameAncestors, TerminalLimits terminals, Recording recording,
                           Hosts hosts, ClientLimits clients,
                           HttpLimits http, Observe observe) {

    /**
     * The metrics and health endpoints ({@code <base>/observe/metrics}, {@code .../health}).
     *
     * @param publicEndpoints served without a login (for a scraper or a load balancer that cannot
     *                        log in); by default they need the same login as a terminal
     */
    public record Observe(boolean publicEndpoints) {
        public static final Observe DEFAULT = new Observe(false);
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

    public ServerConfig {
        command = List.copyOf(command);
        // Kept in the order given: SET_PREFERENCES lists them as the operator wrote them.
        clientOptions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(clientOptions));
        allowedOrigins = Set.copyOf(allowedOrigins);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
        if (!basePath.isEmpty() && (!basePath.startsWith("/") || basePath.endsWith("/"))) {
            throw new IllegalArgumentException("base path must start with / and not end with one: " + basePath);
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
    }

    /** The same configuration with other session limits. */
    public ServerConfig withSessions(SessionLimits limits) {
        return new ServerConfig(host, port, basePath, command, workingDirectory, terminalType, clientOptions, authMode,
                credential, allowedOrigins, maxClients, once, exitNoConn, readonly, hangupSignal, killGrace, urlArgs,
                nativeMode, pingInterval, usersFile, tls, limits, loginLimits, frameAncestors, terminals, recording, hosts, clients, http,
                observe);
    }

    public boolean secure() {
        return tls.isPresent();
    }

    /** Whether the bind address is a loopback one (127.0.0.0/8, ::1, localhost). */
    public boolean loopbackOnly() {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
