package io.cloudterm.config;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.auth.BasicCredential;
import io.cloudterm.pty.NativeMode;
import io.cloudterm.pty.Signal;
import io.helidon.common.config.Config;
import io.helidon.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a {@link ServerConfig} from a configuration node whose keys are the command line's long
 * option names ({@code port}, {@code interface}, {@code credential}, {@code keep-alive},
 * {@code base-path}...), plus {@code path} (the same as {@code base-path}: where CloudTerm is
 * mounted inside a Helidon application) and {@code command} (a list: the program and its
 * arguments). The command line hands its options to this same reader, so a value is checked
 * once, with the same message, whichever way it came; an {@link IllegalArgumentException} says
 * what is wrong, naming the option.
 */
public final class CloudTermConfig {

    private final Config node;

    private CloudTermConfig(Config node) {
        this.node = node;
    }

    /** The configuration under {@code node}; defaults are the command line's. */
    public static ServerConfig from(Config node) {
        return new CloudTermConfig(node).read();
    }

    /**
     * The configuration of flat keys and values, lists as {@code NAME.0}, {@code NAME.1}... (the
     * command line's options). Taken literally: no environment, no system properties, no
     * {@code ${...}} references (a password may hold any characters).
     */
    public static ServerConfig fromValues(Map<String, String> values) {
        return from(io.helidon.config.Config.builder(io.helidon.config.ConfigSources.create(values))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .disableValueResolving()
                .disableKeyResolving()
                .disableFilterServices()
                .disableParserServices()
                .build());
    }

    private ServerConfig read() {
        int port = integer("port", 7681);
        String host = string("interface", "127.0.0.1");
        String basic = basicCredential();
        Optional<Path> usersFile = path("users");
        boolean noAuth = flag("no-auth");
        int maxClients = integer("max-clients", 0);
        int killAfter = integer("kill-after", 5);
        int pingInterval = integer("ping-interval", 30);
        int headerTimeout = integer("header-timeout", 10);
        int bodyTimeout = integer("body-timeout", 30);
        int sessionIdle = integer("session-idle", 30);
        int sessionLifetime = integer("session-lifetime", 12);
        int loginBurst = integer("login-burst", 10);
        int loginRefill = integer("login-refill", 6);
        int keepAlive = integer("keep-alive", 600);
        int scrollback = integer("scrollback", 1 << 20);
        int maxTerminals = integer("max-terminals", 64);
        int maxTerminalsPerUser = integer("max-terminals-per-user", 8);
        int perTerminal = integer("max-clients-per-terminal", ServerConfig.ClientLimits.DEFAULT.perTerminal());
        int guestsPerUser = integer("max-guest-clients-per-user", ServerConfig.ClientLimits.DEFAULT.guestsPerUser());
        String frameAncestors = string("frame-ancestors", "'none'");
        Optional<Path> recordDirectory = path("record");
        boolean recordInput = flag("record-input");
        Optional<Path> sslCa = path("ssl-ca");
        require(port >= 0 && port <= 65535, "--port must be between 0 and 65535, not " + port);
        require(maxClients >= 0, "--max-clients cannot be negative");
        require(killAfter >= 0, "--kill-after cannot be negative");
        require(pingInterval >= 1, "--ping-interval must be at least 1 second");
        require(headerTimeout >= 1 && bodyTimeout >= 1, "--header-timeout and --body-timeout must be at least 1 second");
        require(!(noAuth && (basic != null || usersFile.isPresent())), "--no-auth contradicts --credential and --users");
        require(!(basic != null && usersFile.isPresent()), "choose one of --credential and --users");
        require(sessionIdle >= 1, "--session-idle must be at least 1 minute");
        require(sessionLifetime >= 1, "--session-lifetime must be at least 1 hour");
        require(loginBurst >= 1, "--login-burst must be at least 1");
        require(keepAlive >= 0, "--keep-alive cannot be negative");
        require(scrollback >= 0 && scrollback <= 256 << 20, "--scrollback must be between 0 and 268435456 bytes");
        require(maxTerminals >= 1 && maxTerminalsPerUser >= 1, "--max-terminals and --max-terminals-per-user must be at least 1");
        require(perTerminal >= 1 && guestsPerUser >= 1,
                "--max-clients-per-terminal and --max-guest-clients-per-user must be at least 1");
        require(loginRefill >= 1, "--login-refill must be at least 1 second");
        require(frameAncestors.matches("[\\w'*.:/ -]+"), "--frame-ancestors takes CSP sources like 'self' https://example.com");
        Optional<ServerConfig.TlsFiles> tls = tlsFiles(sslCa);
        require(!recordInput || recordDirectory.isPresent(), "--record-input needs --record DIR");
        recordDirectory.ifPresent(directory -> require(Files.isDirectory(directory) && Files.isWritable(directory),
                "--record " + directory + " is not a writable directory"));
        require(sslCa.isEmpty() || tls.isPresent(), "--ssl-ca needs --ssl with --ssl-cert and --ssl-key");
        usersFile.ifPresent(file -> require(Files.isRegularFile(file), "--users " + file
                + " is not a file (create it with: cloudterm passwd " + file + " USER)"));
        Path directory = path("cwd").orElse(Path.of("")).toAbsolutePath().normalize();
        require(Files.isDirectory(directory), "--cwd " + directory + " is not a directory");
        String terminalType = string("terminal-type", "xterm-256color");
        require(!terminalType.isBlank() && terminalType.chars().allMatch(c -> c > ' ' && c < 127),
                "--terminal-type must be a plain word like xterm-256color");
        Signal hangup = Signal.parse(string("signal", "HUP"));
        String nativeMode = string("native", "auto");
        NativeMode mode = switch (nativeMode.toLowerCase(Locale.ROOT)) {
            case "auto" -> NativeMode.AUTO;
            case "on" -> NativeMode.ON;
            case "off" -> NativeMode.OFF;
            default -> throw new IllegalArgumentException("--native must be auto, on or off, not '" + nativeMode + "'");
        };
        AuthMode auth = noAuth ? AuthMode.NONE
                : basic != null ? AuthMode.BASIC
                : usersFile.isPresent() ? AuthMode.USERS
                : sslCa.isPresent() ? AuthMode.CLIENT_CERTIFICATE
                : AuthMode.TOKEN;
        Set<String> origins = new LinkedHashSet<>();
        for (String origin : list("allow-origin", true)) {
            String o = origin.trim();
            require(o.equals("*") || o.matches("https?://[^/\\s]+/?"), "--allow-origin wants scheme://host[:port], not '" + origin + "'");
            origins.add(o);
        }
        Set<String> hosts = new LinkedHashSet<>();
        for (String allowed : list("allow-host", true)) {
            String h = allowed.trim();
            require(h.equals("*") || h.matches("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(:\\d{1,5})?"),
                    "--allow-host wants NAME or NAME:PORT (an IPv6 address in brackets), not '" + allowed + "'");
            hosts.add(h);
        }
        List<String> command = list("command", false);
        String mountPath = mountPath();
        ServerConfig config = ServerConfig.builder()
                .host(host).port(port).basePath(mountPath).tls(tls)
                .http(new ServerConfig.HttpLimits(Duration.ofSeconds(headerTimeout), Duration.ofSeconds(bodyTimeout)))
                .hosts(new ServerConfig.Hosts(hosts))
                .authMode(auth).credential(Optional.ofNullable(basic))
                .usersFile(usersFile.map(p -> p.toAbsolutePath().normalize()))
                .sessions(new ServerConfig.SessionLimits(Duration.ofMinutes(sessionIdle), Duration.ofHours(sessionLifetime)))
                .loginLimits(new ServerConfig.LoginLimits(loginBurst, Duration.ofSeconds(loginRefill)))
                .allowedOrigins(origins).frameAncestors(frameAncestors.trim())
                .command(command.isEmpty() ? LoginShell.command() : command)
                .workingDirectory(directory).terminalType(terminalType).clientOptions(clientOptions())
                .readonly(flag("readonly")).hangupSignal(hangup).killGrace(Duration.ofSeconds(killAfter))
                .urlArgs(flag("url-arg"))
                .terminals(new ServerConfig.TerminalLimits(Duration.ofSeconds(keepAlive), scrollback, maxTerminals,
                        maxTerminalsPerUser))
                .clients(new ServerConfig.ClientLimits(perTerminal, guestsPerUser))
                .maxClients(maxClients).once(flag("once")).exitNoConn(flag("exit-no-conn"))
                .recording(new ServerConfig.Recording(recordDirectory.map(p -> p.toAbsolutePath().normalize()), recordInput))
                .nativeMode(mode).pingInterval(Duration.ofSeconds(pingInterval))
                .observe(new ServerConfig.Observe(flag("observe-public")))
                .files(files(mountPath))
                .gateway(gateway())
                .clipboard(clipboard())
                .transfer(transfer())
                .build();
        require(auth != AuthMode.NONE || config.loopbackOnly(),
                "--no-auth is allowed only on a loopback interface, not " + host);
        return config;
    }

    /** {@code clipboard.read} (the command line's {@code --clipboard-read}). */
    private ServerConfig.Clipboard clipboard() {
        Config clipboard = node.get("clipboard");
        require(!clipboard.exists() || clipboard.isObject(), "clipboard takes read (in application.yaml, clipboard: {read: true})");
        return new ServerConfig.Clipboard(flag("clipboard.read"));
    }

    /** Our own paths under the base path: a shared directory cannot be served at one of them. */
    private static final Set<String> RESERVED = Set.of("ws", "api", "token", "login", "logout", "observe");

    /**
     * The shared directory: {@code files.dir} (the command line's {@code --files}), {@code files.path},
     * {@code files.public}, {@code files.list}, {@code files.follow-symlinks}, {@code files.cache}.
     */
    private ServerConfig.Files files(String basePath) {
        Config files = node.get("files");
        require(!files.exists() || files.isObject(),
                "files takes dir, path, public, list, follow-symlinks and cache (in application.yaml, files: {dir: DIR})");
        Optional<Path> directory = path("files.dir");
        Optional<String> path = optionalString("files.path");
        boolean open = flag("files.public");
        boolean listing = flag("files.list");
        boolean follow = flag("files.follow-symlinks");
        Optional<String> cacheText = optionalString("files.cache");
        long cache = cacheText.map(CloudTermConfig::cacheBytes).orElse(ServerConfig.Files.DEFAULT_CACHE_BYTES);
        if (directory.isEmpty()) {
            require(path.isEmpty() && !open && !listing && !follow && cacheText.isEmpty(),
                    "--files-path, --files-public, --files-list, --files-follow-symlinks and --files-cache need --files DIR");
            return ServerConfig.Files.NONE;
        }
        Path absolute = directory.get().toAbsolutePath().normalize();
        require(Files.isDirectory(absolute), "--files " + absolute + " is not a directory");
        require(Files.isReadable(absolute) && Files.isExecutable(absolute), "--files " + absolute + " cannot be read by this user");
        Optional<String> mount = path.map(p -> filesPath(p, basePath));
        return new ServerConfig.Files(Optional.of(absolute), mount, open, listing, follow, cache);
    }

    /**
     * Gateway mode: {@code gateway.hosts} (the command line's {@code cloudterm gateway --hosts}),
     * {@code gateway.placement} ({@code hash} or {@code least-loaded}), {@code gateway.key},
     * {@code gateway.refresh} (seconds), {@code gateway.relay} ({@code splice} or {@code copy}); a host's trust: {@code gateway.trust}. The key files are
     * read when the server starts, so that a bad one is said then.
     */
    private ServerConfig.Gateway gateway() {
        Config gateway = node.get("gateway");
        require(!gateway.exists() || gateway.isObject(),
                "gateway takes hosts, placement, key, refresh, relay and trust (in application.yaml, gateway: {hosts: dns:NAME:PORT, key: FILE})");
        Optional<String> hosts = optionalString("gateway.hosts").map(String::trim);
        require(hosts.isEmpty() || !hosts.get().isEmpty(), "--hosts wants static:HOST:PORT,... or dns:NAME:PORT");
        String placementText = string("gateway.placement", "hash").trim();
        ServerConfig.Gateway.Placement placement = switch (placementText) {
            case "hash" -> ServerConfig.Gateway.Placement.HASH;
            case "least-loaded" -> ServerConfig.Gateway.Placement.LEAST_LOADED;
            default -> throw new IllegalArgumentException("--placement wants hash or least-loaded, not '" + placementText + "'");
        };
        int refresh = integer("gateway.refresh", 10);
        require(refresh >= 1 && refresh <= 3600, "--hosts-refresh wants 1 to 3600 seconds, not " + refresh);
        String relay = string("gateway.relay", "splice").trim();
        require(relay.equals("splice") || relay.equals("copy"), "--relay wants splice or copy, not '" + relay + "'");
        require(hosts.isPresent() || !node.get("gateway.placement").exists() && !node.get("gateway.refresh").exists()
                        && !node.get("gateway.relay").exists(),
                "--placement, --hosts-refresh and --relay are for a gateway (cloudterm gateway --hosts ...)");
        return new ServerConfig.Gateway(hosts, placement, path("gateway.key").map(p -> p.toAbsolutePath().normalize()),
                path("gateway.trust").map(p -> p.toAbsolutePath().normalize()), Duration.ofSeconds(refresh),
                relay.equals("splice"));
    }

    /**
     * Files in and out from the page: {@code transfer.enabled} (the command line's
     * {@code --no-transfer} sets it false) and {@code transfer.upload-max} ({@code --upload-max}):
     * bytes, or a number with K, M or G (powers of 1024).
     */
    private ServerConfig.Transfer transfer() {
        Config transfer = node.get("transfer");
        require(!transfer.exists() || transfer.isObject(),
                "transfer takes enabled and upload-max (in application.yaml, transfer: {upload-max: 100M})");
        boolean enabled = flag("transfer.enabled", true);
        long uploadMax = optionalString("transfer.upload-max").map(CloudTermConfig::uploadBytes)
                .orElse(ServerConfig.Transfer.DEFAULT_UPLOAD_MAX);
        return new ServerConfig.Transfer(enabled, uploadMax);
    }

    /** {@code --upload-max}: 1048576, 1024K, 1M, 1G. */
    private static long uploadBytes(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*([0-9]{1,15})\\s*([KkMmGg]?)\\s*").matcher(text);
        if (m.matches()) {
            int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                default -> 0;
            };
            long bytes = Long.parseLong(m.group(1));
            if (bytes >= 1 && bytes <= (Long.MAX_VALUE >> 40)) {
                return bytes << shift;
            }
        }
        throw new IllegalArgumentException("--upload-max wants a number of bytes, or a number with K, M or G, at least 1, not '"
                + text + "'");
    }

    /** {@code --files-cache}: a whole number of bytes, 0 for no cache. */
    private static long cacheBytes(String text) {
        try {
            long bytes = Long.parseLong(text.trim());
            if (bytes >= 0) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // said below, with the value
        }
        throw new IllegalArgumentException("--files-cache wants a number of bytes (0 turns the cache off), not '" + text + "'");
    }

    /** {@code files/} under /term → /term/files; it must be under the base path, at none of our own paths. */
    private static String filesPath(String text, String basePath) {
        String p = text.trim();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        require(p.matches("(/[A-Za-z0-9._~-]+)+"), "--files-path may hold only letters, digits and . _ ~ - between slashes: '"
                + text + "'");
        require(!(p + "/").matches(".*/\\.{1,2}/.*"), "--files-path cannot hold . or .. segments: '" + text + "'");
        require(p.startsWith(basePath + "/"), "--files-path must be under the base path " + basePath + ", not '" + text + "'");
        String first = p.substring(basePath.length() + 1).split("/")[0];
        require(!RESERVED.contains(first) && !first.equals(".") && !first.equals(".."),
                "--files-path cannot be at " + basePath + "/" + first + ", which CloudTerm answers itself");
        return p;
    }

    /** The Basic credential of {@code credential} or {@code credential-file}, checked now; null if neither is given. */
    private String basicCredential() {
        Optional<String> credential = optionalString("credential");
        Optional<Path> file = path("credential-file");
        require(!(credential.isPresent() && file.isPresent()), "choose one of --credential and --credential-file");
        if (file.isPresent()) {
            return BasicCredential.readFile(file.get());
        }
        credential.ifPresent(BasicCredential::parse);
        return credential.orElse(null);
    }

    private Optional<ServerConfig.TlsFiles> tlsFiles(Optional<Path> clientCa) {
        Optional<Path> certificate = path("ssl-cert");
        Optional<Path> key = path("ssl-key");
        if (!flag("ssl")) {
            require(certificate.isEmpty() && key.isEmpty(), "--ssl-cert and --ssl-key need --ssl");
            return Optional.empty();
        }
        require(certificate.isPresent() && key.isPresent(), "--ssl needs --ssl-cert FILE and --ssl-key FILE (PEM)");
        return Optional.of(new ServerConfig.TlsFiles(certificate.get(), key.get(), clientCa));
    }

    /** {@code path}, else {@code base-path}: "/", "" → ""; "term/" → "/term". */
    private String mountPath() {
        Optional<String> path = optionalString("path");
        Optional<String> basePath = optionalString("base-path");
        require(path.isEmpty() || basePath.isEmpty(), "choose one of path and --base-path (they are the same)");
        return normalizeBasePath(path.or(() -> basePath).orElse(""));
    }

    /** "/", "" → ""; "term/" → "/term"; anything but plain path segments is refused. */
    public static String normalizeBasePath(String path) {
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

    /**
     * xterm.js options, in the order given: a list of {@code KEY=VALUE} (as the command line's
     * {@code -t}) or a mapping of keys to values.
     */
    private Map<String, String> clientOptions() {
        Config options = node.get("client-option");
        Map<String, String> result = new LinkedHashMap<>();
        if (!options.exists()) {
            return result;
        }
        if (options.isObject() && !nodes(options, "client-option").stream().allMatch(o -> o.name().matches("\\d{1,9}"))) {
            for (Config option : nodes(options, "client-option")) {
                result.put(option.name(), leaf(option, "client-option." + option.name()));
            }
            return result;
        }
        for (String option : list("client-option", false)) {
            int equals = option.indexOf('=');
            require(equals > 0, "--client-option wants KEY=VALUE, not '" + option + "'");
            result.put(option.substring(0, equals), option.substring(equals + 1));
        }
        return result;
    }

    private String string(String key, String otherwise) {
        return optionalString(key).orElse(otherwise);
    }

    private Optional<String> optionalString(String key) {
        Config value = node.get(key);
        return value.exists() ? Optional.of(leaf(value, key)) : Optional.empty();
    }

    private Optional<Path> path(String key) {
        return optionalString(key).map(text -> {
            try {
                return Path.of(text);
            } catch (java.nio.file.InvalidPathException e) {
                throw new IllegalArgumentException(option(key) + " wants a file name, not '" + text + "'");
            }
        });
    }

    private int integer(String key, int otherwise) {
        Optional<String> text = optionalString(key);
        try {
            return text.map(t -> Integer.parseInt(t.trim())).orElse(otherwise);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option(key) + " wants a whole number, not '" + text.get() + "'");
        }
    }

    private boolean flag(String key) {
        return flag(key, false);
    }

    private boolean flag(String key, boolean otherwise) {
        String text = string(key, Boolean.toString(otherwise)).trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(option(key) + " wants true or false, not '" + text + "'");
        };
    }

    /**
     * A list value: a list node, or one value ({@code splitCommas}: values separated by commas, as
     * the command line's {@code --allow-origin a,b}).
     */
    private List<String> list(String key, boolean splitCommas) {
        Config value = node.get(key);
        List<String> result = new ArrayList<>();
        if (!value.exists()) {
            return result;
        }
        if (value.isList()) {
            for (Config item : nodes(value, key)) {
                result.add(leaf(item, key));
            }
        } else if (value.isObject()) {
            // Flat sources (properties, the command line's values) give a list as NAME.0, NAME.1...
            List<Config> items = new ArrayList<>(nodes(value, key));
            require(items.stream().allMatch(item -> item.name().matches("\\d{1,9}")), option(key) + " wants a list of values");
            items.sort(java.util.Comparator.comparingInt(item -> Integer.parseInt(item.name())));
            for (Config item : items) {
                result.add(leaf(item, key));
            }
        } else if (splitCommas) {
            result.addAll(List.of(leaf(value, key).split(",")));
        } else {
            result.add(leaf(value, key));
        }
        return result;
    }

    private static List<Config> nodes(Config value, String key) {
        try {
            return List.copyOf(value.asNodeList().get());
        } catch (ConfigException e) {
            throw new IllegalArgumentException(option(key) + " cannot be read: " + e.getMessage());
        }
    }

    /** The text of a single value; a list or a mapping where one value belongs is refused by name. */
    private static String leaf(Config value, String key) {
        if (!value.hasValue() || value.isObject() || value.isList()) {
            throw new IllegalArgumentException(option(key) + " wants a single value");
        }
        try {
            return value.asString().get();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(option(key) + " cannot be read: " + e.getMessage());
        }
    }

    /** The command line's name of a key: {@code files.dir} is {@code --files}, {@code files.list} {@code --files-list}. */
    private static String option(String key) {
        return "--" + switch (key) {
            case "files.dir" -> "files";
            case "gateway.hosts" -> "hosts";
            case "gateway.placement" -> "placement";
            case "gateway.refresh" -> "hosts-refresh";
            case "gateway.relay" -> "relay";
            case "gateway.trust" -> "trust-gateway";
            case "transfer.upload-max" -> "upload-max";
            default -> key.replace('.', '-');
        };
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
