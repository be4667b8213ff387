package io.cloudterm.cli;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.auth.BasicCredential;
import io.cloudterm.pty.NativeMode;
import io.cloudterm.pty.Signal;
import io.cloudterm.web.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options of {@code cloudterm [options] [--] [command [args...]]}, ttyd's names where ttyd has one. */
@Command(name = "cloudterm", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpWidth = 100,
        description = {"Shares a terminal in the browser: runs the command (by default your login shell) on a",
                "pseudo-terminal for each visitor and draws it with xterm.js over a WebSocket.", ""},
        footer = {"", "Without -c or --no-auth a random access token is generated and a login URL printed.",
                "Example: cloudterm -p 8080 -t fontSize=16 -- htop"})
final class Options {

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "port to listen on (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port = 7681;

    @Option(names = {"-i", "--interface"}, paramLabel = "ADDRESS", description = "address to bind (default ${DEFAULT-VALUE}, loopback only)")
    String host = "127.0.0.1";

    @Option(names = {"-c", "--credential"}, paramLabel = "USER:PASSWORD", description = "HTTP Basic credential (as ttyd's -c); other local users can read it with ps: prefer --credential-file or CLOUDTERM_CREDENTIAL")
    String credential;

    @Option(names = "--credential-file", paramLabel = "FILE", description = "HTTP Basic credential read from FILE, one line user:password, readable by you only (chmod 600)")
    Path credentialFile;

    @Option(names = "--users", paramLabel = "FILE", description = "user accounts: an htpasswd file with bcrypt hashes (make one with: cloudterm passwd FILE USER)")
    Path usersFile;

    @Option(names = "--no-auth", description = "no login at all; only allowed with a loopback --interface")
    boolean noAuth;

    @Option(names = {"-S", "--ssl"}, description = "serve HTTPS and WSS (needs --ssl-cert and --ssl-key)")
    boolean ssl;

    @Option(names = {"-C", "--ssl-cert"}, paramLabel = "FILE", description = "TLS certificate chain, PEM")
    Path sslCert;

    @Option(names = {"-K", "--ssl-key"}, paramLabel = "FILE", description = "TLS private key, PEM")
    Path sslKey;

    @Option(names = {"-A", "--ssl-ca"}, paramLabel = "FILE", description = "require client certificates signed by this CA (PEM); without other logins, the certificate's subject is the user")
    Path sslCa;

    @Option(names = "--session-idle", paramLabel = "MINUTES", description = "a browser session ends after this long unused (default ${DEFAULT-VALUE})")
    int sessionIdleMinutes = 30;

    @Option(names = "--session-lifetime", paramLabel = "HOURS", description = "a browser session ends this long after login, used or not (default ${DEFAULT-VALUE})")
    int sessionLifetimeHours = 12;

    @Option(names = "--login-burst", paramLabel = "N", description = "login attempts one client address may make at once (default ${DEFAULT-VALUE}; per user name, half)")
    int loginBurst = 10;

    @Option(names = "--login-refill", paramLabel = "SECONDS", description = "then one more attempt every this many seconds (default ${DEFAULT-VALUE})")
    int loginRefillSeconds = 6;

    @Option(names = "--keep-alive", paramLabel = "SECONDS", description = "a terminal nobody is attached to lives on this long, so a reload or a dropped network reattaches to it (default ${DEFAULT-VALUE}; 0: hang up at once, as ttyd)")
    int keepAliveSeconds = 600;

    @Option(names = "--scrollback", paramLabel = "BYTES", description = "recent output kept per terminal for clients that reattach (default ${DEFAULT-VALUE})")
    int scrollbackBytes = 1 << 20;

    @Option(names = "--max-terminals", paramLabel = "N", description = "most terminals alive at once (default ${DEFAULT-VALUE})")
    int maxTerminals = 64;

    @Option(names = "--max-terminals-per-user", paramLabel = "N", description = "most terminals one user may have (default ${DEFAULT-VALUE})")
    int maxTerminalsPerUser = 8;

    @Option(names = "--max-clients-per-terminal", paramLabel = "N",
            description = "most guests attached to one terminal at once, and apart from them most of its owner's own clients (default ${DEFAULT-VALUE})")
    int maxClientsPerTerminal = ServerConfig.ClientLimits.DEFAULT.perTerminal();

    @Option(names = "--max-guest-clients-per-user", paramLabel = "N",
            description = "most clients one user may have on other users' terminals through share links (default ${DEFAULT-VALUE})")
    int maxGuestClientsPerUser = ServerConfig.ClientLimits.DEFAULT.guestsPerUser();

    @Option(names = "--record", paramLabel = "DIR", description = "record every terminal to DIR as an asciicast v2 file (playable with asciinema)")
    Path recordDirectory;

    @Option(names = "--record-input", description = "also record what is typed (off by default: it holds passwords typed at prompts)")
    boolean recordInput;

    @Option(names = "--frame-ancestors", paramLabel = "SOURCES", description = "who may embed the page in a frame, as CSP sources, e.g. \"'self' https://portal.example\" (default: nobody)")
    String frameAncestors = "'none'";

    @Option(names = {"-w", "--cwd"}, paramLabel = "DIR", description = "working directory of the command (default: the current one)")
    Path cwd;

    @Option(names = {"-T", "--terminal-type"}, paramLabel = "TERM", description = "TERM of the command (default ${DEFAULT-VALUE})")
    String terminalType = "xterm-256color";

    @Option(names = {"-t", "--client-option"}, paramLabel = "KEY=VALUE", description = "xterm.js option for the page, e.g. fontSize=16 (repeatable)")
    Map<String, String> clientOptions = new LinkedHashMap<>();

    @Option(names = {"-m", "--max-clients"}, paramLabel = "N", description = "most clients at once (default 0: no limit)")
    int maxClients;

    @Option(names = {"-o", "--once"}, description = "accept one client only and exit when it disconnects")
    boolean once;

    @Option(names = {"-q", "--exit-no-conn"}, description = "exit when the last client disconnects")
    boolean exitNoConn;

    @Option(names = {"-R", "--readonly"}, description = "clients cannot type into or resize the terminal")
    boolean readonly;

    @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL", description = "signal sent to the command when its client leaves (default ${DEFAULT-VALUE})")
    String signal = "HUP";

    @Option(names = "--kill-after", paramLabel = "SECONDS", description = "SIGKILL a command still alive this long after that signal (default ${DEFAULT-VALUE})")
    int killAfter = 5;

    @Option(names = {"-b", "--base-path"}, paramLabel = "PATH", description = "serve under this path, e.g. /term (behind a reverse proxy)")
    String basePath = "";

    @Option(names = {"-a", "--url-arg"}, description = "append the page's ?arg=... values to the command's arguments (no shell involved)")
    boolean urlArgs;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN", split = ",", description = "also accept WebSockets and logins from this Origin, e.g. https://example.com (* for any)")
    List<String> allowOrigins = new ArrayList<>();

    @Option(names = "--allow-host", paramLabel = "NAME", split = ",", description = "also answer requests whose Host is NAME or NAME:PORT (the name a reverse proxy or DNS gives this server); * accepts any Host, which is unsafe (DNS rebinding)")
    List<String> allowHosts = new ArrayList<>();

    @Option(names = "--native", paramLabel = "MODE", description = "pty implementation: auto, on (FFM, JDK 22+ on Linux) or off (pure Java) (default ${DEFAULT-VALUE})")
    String nativeMode = "auto";

    @Option(names = "--ping-interval", paramLabel = "SECONDS", description = "WebSocket ping interval; two unanswered pings end a connection (default ${DEFAULT-VALUE})")
    int pingInterval = 30;

    @Option(names = "--header-timeout", paramLabel = "SECONDS", description = "a client has this long to send a request's line and headers, from connecting or from the previous response (default ${DEFAULT-VALUE})")
    int headerTimeout = 10;

    @Option(names = "--body-timeout", paramLabel = "SECONDS", description = "a client has this long to send a request's body (default ${DEFAULT-VALUE})")
    int bodyTimeout = 30;

    @Option(names = "--observe-public", description = "serve the metrics and health endpoints (<base>/observe/metrics, <base>/observe/health) without a login")
    boolean observePublic;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "the command and its arguments (default: your login shell)")
    List<String> command = new ArrayList<>();

    /** Where {@link BasicCredential#ENVIRONMENT_VARIABLE} is read; the process's environment outside tests. */
    Map<String, String> environment = System.getenv();

    /** Checks every value and builds the configuration; an {@link IllegalArgumentException} says what is wrong. */
    ServerConfig toConfig() {
        String basic = basicCredential();
        require(port >= 0 && port <= 65535, "--port must be between 0 and 65535, not " + port);
        require(maxClients >= 0, "--max-clients cannot be negative");
        require(killAfter >= 0, "--kill-after cannot be negative");
        require(pingInterval >= 1, "--ping-interval must be at least 1 second");
        require(headerTimeout >= 1 && bodyTimeout >= 1, "--header-timeout and --body-timeout must be at least 1 second");
        require(!(noAuth && (basic != null || usersFile != null)), "--no-auth contradicts --credential and --users");
        require(!(basic != null && usersFile != null), "choose one of --credential and --users");
        require(sessionIdleMinutes >= 1, "--session-idle must be at least 1 minute");
        require(sessionLifetimeHours >= 1, "--session-lifetime must be at least 1 hour");
        require(loginBurst >= 1, "--login-burst must be at least 1");
        require(keepAliveSeconds >= 0, "--keep-alive cannot be negative");
        require(scrollbackBytes >= 0 && scrollbackBytes <= 256 << 20, "--scrollback must be between 0 and 268435456 bytes");
        require(maxTerminals >= 1 && maxTerminalsPerUser >= 1, "--max-terminals and --max-terminals-per-user must be at least 1");
        require(maxClientsPerTerminal >= 1 && maxGuestClientsPerUser >= 1,
                "--max-clients-per-terminal and --max-guest-clients-per-user must be at least 1");
        require(loginRefillSeconds >= 1, "--login-refill must be at least 1 second");
        require(frameAncestors.matches("[\\w'*.:/ -]+"), "--frame-ancestors takes CSP sources like 'self' https://example.com");
        Optional<ServerConfig.TlsFiles> tls = tlsFiles();
        require(!recordInput || recordDirectory != null, "--record-input needs --record DIR");
        if (recordDirectory != null) {
            require(Files.isDirectory(recordDirectory) && Files.isWritable(recordDirectory),
                    "--record " + recordDirectory + " is not a writable directory");
        }
        require(sslCa == null || tls.isPresent(), "--ssl-ca needs --ssl with --ssl-cert and --ssl-key");
        if (usersFile != null) {
            require(Files.isRegularFile(usersFile), "--users " + usersFile + " is not a file (create it with: cloudterm passwd "
                    + usersFile + " USER)");
        }
        Path directory = (cwd == null ? Path.of("") : cwd).toAbsolutePath().normalize();
        require(Files.isDirectory(directory), "--cwd " + directory + " is not a directory");
        require(!terminalType.isBlank() && terminalType.chars().allMatch(c -> c > ' ' && c < 127),
                "--terminal-type must be a plain word like xterm-256color");
        Signal hangup = Signal.parse(signal);
        NativeMode mode = switch (nativeMode.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> NativeMode.AUTO;
            case "on" -> NativeMode.ON;
            case "off" -> NativeMode.OFF;
            default -> throw new IllegalArgumentException("--native must be auto, on or off, not '" + nativeMode + "'");
        };
        AuthMode auth = noAuth ? AuthMode.NONE
                : basic != null ? AuthMode.BASIC
                : usersFile != null ? AuthMode.USERS
                : sslCa != null ? AuthMode.CLIENT_CERTIFICATE
                : AuthMode.TOKEN;
        Set<String> origins = new LinkedHashSet<>();
        for (String origin : allowOrigins) {
            String o = origin.trim();
            require(o.equals("*") || o.matches("https?://[^/\\s]+/?"), "--allow-origin wants scheme://host[:port], not '" + origin + "'");
            origins.add(o);
        }
        Set<String> hosts = new LinkedHashSet<>();
        for (String allowed : allowHosts) {
            String h = allowed.trim();
            require(h.equals("*") || h.matches("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(:\\d{1,5})?"),
                    "--allow-host wants NAME or NAME:PORT (an IPv6 address in brackets), not '" + allowed + "'");
            hosts.add(h);
        }
        List<String> commandLine = command.isEmpty() ? LoginShell.command() : command;
        ServerConfig config = new ServerConfig(host, port, normalizeBasePath(basePath), commandLine, directory,
                terminalType, clientOptions, auth, Optional.ofNullable(basic), origins, maxClients, once,
                exitNoConn, readonly, hangup, Duration.ofSeconds(killAfter), urlArgs, mode,
                Duration.ofSeconds(pingInterval), Optional.ofNullable(usersFile).map(p -> p.toAbsolutePath().normalize()), tls,
                new ServerConfig.SessionLimits(Duration.ofMinutes(sessionIdleMinutes), Duration.ofHours(sessionLifetimeHours)),
                new ServerConfig.LoginLimits(loginBurst, Duration.ofSeconds(loginRefillSeconds)), frameAncestors.trim(),
                new ServerConfig.TerminalLimits(Duration.ofSeconds(keepAliveSeconds), scrollbackBytes, maxTerminals,
                        maxTerminalsPerUser),
                new ServerConfig.Recording(Optional.ofNullable(recordDirectory).map(p -> p.toAbsolutePath().normalize()),
                        recordInput),
                new ServerConfig.Hosts(hosts),
                new ServerConfig.ClientLimits(maxClientsPerTerminal, maxGuestClientsPerUser),
                new ServerConfig.HttpLimits(Duration.ofSeconds(headerTimeout), Duration.ofSeconds(bodyTimeout)),
                new ServerConfig.Observe(observePublic));
        require(auth != AuthMode.NONE || config.loopbackOnly(),
                "--no-auth is allowed only on a loopback interface, not " + host);
        return config;
    }

    /**
     * The Basic credential from -c, --credential-file or, when no login option is given at all, the
     * environment; checked now so that a malformed one is a usage error; null if there is none. A -c is warned about: the whole command line, password included,
     * is readable by every local user (ps, /proc/PID/cmdline) for as long as the server runs.
     */
    private String basicCredential() {
        require(!(credential != null && credentialFile != null), "choose one of --credential and --credential-file");
        if (credentialFile != null) {
            return BasicCredential.readFile(credentialFile);
        }
        if (credential != null) {
            BasicCredential.parse(credential);
            java.util.logging.Logger.getLogger(Options.class.getName()).warning("-c/--credential puts the password on the"
                    + " command line, where every local user can read it (ps); use --credential-file FILE or the "
                    + BasicCredential.ENVIRONMENT_VARIABLE + " environment variable instead");
            return credential;
        }
        String fromEnvironment = noAuth || usersFile != null ? null : environment.get(BasicCredential.ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null) {
            try {
                BasicCredential.parse(fromEnvironment);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(BasicCredential.ENVIRONMENT_VARIABLE + " must look like user:password");
            }
        }
        return fromEnvironment;
    }

    private Optional<ServerConfig.TlsFiles> tlsFiles() {
        if (!ssl) {
            require(sslCert == null && sslKey == null, "--ssl-cert and --ssl-key need --ssl");
            return Optional.empty();
        }
        require(sslCert != null && sslKey != null, "--ssl needs --ssl-cert FILE and --ssl-key FILE (PEM)");
        return Optional.of(new ServerConfig.TlsFiles(sslCert, sslKey, Optional.ofNullable(sslCa)));
    }

    /** "/", "" → ""; "term/" → "/term". */
    static String normalizeBasePath(String path) {
        String p = path.trim();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return "";
        }
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        require(p.matches("(/[A-Za-z0-9._~-]+)+"), "--base-path may hold only letters, digits and . _ ~ - between slashes: '" + path + "'");
        return p;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
