package io.cloudterm.cli;

import io.cloudterm.auth.BasicCredential;
import io.cloudterm.config.CloudTermConfig;
import io.cloudterm.config.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Option(names = "--clipboard-read", description = "let programs read the clipboard of the browser that shows them (OSC 52); by default they may only write to it")
    boolean clipboardRead;

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

    @Option(names = "--hosts", paramLabel = "SPEC", description = "gateway only: the hosts to relay terminals to, static:HOST:PORT,HOST:PORT or dns:NAME:PORT (every address of NAME, looked up again every --hosts-refresh seconds: a Kubernetes headless Service)")
    String gatewayHosts;

    @Option(names = "--placement", paramLabel = "hash|least-loaded", description = "gateway only: where a user's new terminal goes: by a hash of the user (their terminals sit together; default) or on the host with the fewest terminals")
    String placement;

    @Option(names = "--hosts-refresh", paramLabel = "SECONDS", description = "gateway only: how often a dns: name is looked up again, and least-loaded placement asks the hosts for their terminal counts (default 10)")
    Integer hostsRefresh;

    @Option(names = "--relay", paramLabel = "splice|copy", description = "gateway only: move relayed bytes with splice(2) inside the kernel where it can (default), or copy them")
    String relay;

    @Option(names = "--gateway-key", paramLabel = "FILE", description = "gateway only: the key it signs its users' identities with for the hosts (one line of at least 32 bytes; chmod 600)")
    Path gatewayKey;

    @Option(names = "--trust-gateway", paramLabel = "FILE", description = "serve only requests a gateway signed with the key in FILE (one or two lines: a second key is accepted while keys change); no login of its own")
    Path trustGateway;

    @Option(names = "--no-transfer", description = "no uploads into the terminals and no downloads from them through the page")
    boolean noTransfer;

    @Option(names = "--upload-max", paramLabel = "BYTES", description = "the largest file the page may upload into a terminal's directory, e.g. 100M (default 1G)")
    String uploadMax;

    @Option(names = "--files", paramLabel = "DIR", description = "share DIR with the terminals' users, read-only, at <base>/files/ (behind the same login as the terminal)")
    Path filesDirectory;

    @Option(names = "--files-path", paramLabel = "PATH", description = "serve --files at this path instead, e.g. /term/downloads (under the base path)")
    String filesPath;

    @Option(names = "--files-public", description = "serve --files without a login")
    boolean filesPublic;

    @Option(names = "--files-list", description = "list the files of a directory that has no index.html (default: 404)")
    boolean filesList;

    @Option(names = "--files-cache", paramLabel = "BYTES", description = "keep up to BYTES of small, often fetched --files in memory, checked against the disk on each request; 0 turns it off (default 67108864)")
    String filesCache;

    @Option(names = "--files-follow-symlinks", description = "follow symbolic links that lead out of --files (default: only links inside it)")
    boolean filesFollowSymlinks;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "the command and its arguments (default: your login shell)")
    List<String> command = new ArrayList<>();

    /** {@code cloudterm gateway ...}: relays terminals to hosts, runs no program. */
    boolean gateway;

    /** Where {@link BasicCredential#ENVIRONMENT_VARIABLE} is read; the process's environment outside tests. */
    Map<String, String> environment = System.getenv();

    /**
     * Checks every value and builds the configuration; an {@link IllegalArgumentException} says what
     * is wrong. The options become configuration keys named as the long options and go through the
     * same reader as an embedding application's {@code application.yaml}.
     */
    ServerConfig toConfig() {
        return CloudTermConfig.fromValues(values());
    }

    /** Every option as its long name (without "--") and value; lists as NAME.0, NAME.1... */
    Map<String, String> values() {
        if (gateway && gatewayHosts == null) {
            throw new IllegalArgumentException("a gateway needs its hosts: cloudterm gateway --hosts dns:NAME:PORT (or static:HOST:PORT,...)");
        }
        if (!gateway && gatewayHosts != null) {
            throw new IllegalArgumentException("--hosts is for a gateway: cloudterm gateway --hosts ...");
        }
        if (gateway && !command.isEmpty()) {
            throw new IllegalArgumentException("a gateway runs no program (its hosts do), so it takes no command: " + String.join(" ", command));
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("port", Integer.toString(port));
        values.put("interface", host);
        String basic = basicCredential();
        if (basic != null) {
            values.put("credential", basic);
        }
        putPath(values, "credential-file", credentialFile);
        putPath(values, "users", usersFile);
        putFlag(values, "no-auth", noAuth);
        putFlag(values, "ssl", ssl);
        putPath(values, "ssl-cert", sslCert);
        putPath(values, "ssl-key", sslKey);
        putPath(values, "ssl-ca", sslCa);
        values.put("session-idle", Integer.toString(sessionIdleMinutes));
        values.put("session-lifetime", Integer.toString(sessionLifetimeHours));
        values.put("login-burst", Integer.toString(loginBurst));
        values.put("login-refill", Integer.toString(loginRefillSeconds));
        values.put("keep-alive", Integer.toString(keepAliveSeconds));
        values.put("scrollback", Integer.toString(scrollbackBytes));
        values.put("max-terminals", Integer.toString(maxTerminals));
        values.put("max-terminals-per-user", Integer.toString(maxTerminalsPerUser));
        values.put("max-clients-per-terminal", Integer.toString(maxClientsPerTerminal));
        values.put("max-guest-clients-per-user", Integer.toString(maxGuestClientsPerUser));
        putPath(values, "record", recordDirectory);
        putFlag(values, "record-input", recordInput);
        values.put("frame-ancestors", frameAncestors);
        putPath(values, "cwd", cwd);
        values.put("terminal-type", terminalType);
        putList(values, "client-option", clientOptions.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        values.put("max-clients", Integer.toString(maxClients));
        putFlag(values, "once", once);
        putFlag(values, "exit-no-conn", exitNoConn);
        putFlag(values, "readonly", readonly);
        values.put("signal", signal);
        values.put("kill-after", Integer.toString(killAfter));
        values.put("base-path", basePath);
        putFlag(values, "url-arg", urlArgs);
        putFlag(values, "clipboard.read", clipboardRead);
        putList(values, "allow-origin", allowOrigins);
        putList(values, "allow-host", allowHosts);
        values.put("native", nativeMode);
        values.put("ping-interval", Integer.toString(pingInterval));
        values.put("header-timeout", Integer.toString(headerTimeout));
        values.put("body-timeout", Integer.toString(bodyTimeout));
        putFlag(values, "observe-public", observePublic);
        if (noTransfer) {
            values.put("transfer.enabled", "false");
        }
        if (uploadMax != null) {
            values.put("transfer.upload-max", uploadMax);
        }
        putPath(values, "files.dir", filesDirectory);
        if (filesPath != null) {
            values.put("files.path", filesPath);
        }
        putFlag(values, "files.public", filesPublic);
        putFlag(values, "files.list", filesList);
        putFlag(values, "files.follow-symlinks", filesFollowSymlinks);
        if (filesCache != null) {
            values.put("files.cache", filesCache);
        }
        if (gatewayHosts != null) {
            values.put("gateway.hosts", gatewayHosts);
        }
        if (placement != null) {
            values.put("gateway.placement", placement);
        }
        if (hostsRefresh != null) {
            values.put("gateway.refresh", hostsRefresh.toString());
        }
        if (relay != null) {
            values.put("gateway.relay", relay);
        }
        putPath(values, "gateway.key", gatewayKey);
        putPath(values, "gateway.trust", trustGateway);
        putList(values, "command", command);
        return values;
    }

    private static void putPath(Map<String, String> values, String key, Path path) {
        if (path != null) {
            values.put(key, path.toString());
        }
    }

    private static void putFlag(Map<String, String> values, String key, boolean set) {
        if (set) {
            values.put(key, "true");
        }
    }

    private static void putList(Map<String, String> values, String key, List<String> items) {
        for (int i = 0; i < items.size(); i++) {
            values.put(key + "." + i, items.get(i));
        }
    }

    /**
     * The Basic credential of -c or, when no login option is given at all, of the environment; the
     * reader checks the rest. A -c is warned about: the whole command line, password included, is
     * readable by every local user (ps, /proc/PID/cmdline) for as long as the server runs.
     */
    private String basicCredential() {
        if (credential != null) {
            BasicCredential.parse(credential);
            java.util.logging.Logger.getLogger(Options.class.getName()).warning("-c/--credential puts the password on the"
                    + " command line, where every local user can read it (ps); use --credential-file FILE or the "
                    + BasicCredential.ENVIRONMENT_VARIABLE + " environment variable instead");
            return credential;
        }
        String fromEnvironment = noAuth || usersFile != null || credentialFile != null ? null
                : environment.get(BasicCredential.ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null) {
            try {
                BasicCredential.parse(fromEnvironment);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(BasicCredential.ENVIRONMENT_VARIABLE + " must look like user:password");
            }
        }
        return fromEnvironment;
    }

}
