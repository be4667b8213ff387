package io.cloudterm.feature;

import io.cloudterm.config.CloudTermConfig;
import io.cloudterm.config.ServerConfig;
import io.cloudterm.terminal.Terminal;
import io.cloudterm.web.CloudTermSite;
import io.cloudterm.web.HostAuthentication;
import io.helidon.common.config.Config;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.spi.ServerFeature;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * CloudTerm inside a Helidon SE application: the terminal page, its logins and the terminal
 * WebSocket ({@code <path>/ws}) on the application's own server, port and TLS, next to its own
 * routes. Configured with the command line's long option names, in code
 * ({@code CloudTermFeature.builder().path("/term").command("bash", "-l").credential("u:p").build()})
 * or under {@code server.features.cloudterm} in {@code application.yaml}. Its terminals are hung up
 * when the server stops.
 */
public final class CloudTermFeature implements ServerFeature {

    /** The feature's name, type and key under {@code server.features}. */
    public static final String KEY = "cloudterm";
    /** Where CloudTerm is mounted when no {@code path} is given. */
    public static final String DEFAULT_PATH = "/cloudterm";
    /** Options of the listener, which belongs to the application's server when CloudTerm is a feature. */
    private static final Map<String, String> LISTENER_OPTIONS = listenerOptions();

    private final boolean enabled;
    private final ServerConfig config;
    private final Optional<HostAuthentication> authentication;
    private final AtomicReference<CloudTermSite> site = new AtomicReference<>();

    private CloudTermFeature(boolean enabled, ServerConfig config, Optional<HostAuthentication> authentication) {
        this.enabled = enabled;
        this.config = config;
        this.authentication = authentication;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The feature configured by {@code config}, the node {@code server.features.cloudterm}: present
     * means enabled (unless {@code enabled: false}); missing means disabled, so that the
     * dependency alone never opens a shell on an application's server.
     */
    public static CloudTermFeature create(Config config) {
        return builder().config(config).build();
    }

    @Override
    public void setup(ServerFeatureContext featureContext) {
        if (!enabled) {
            return;
        }
        SocketBuilders socket = featureContext.socket(WebServer.DEFAULT_SOCKET_NAME);
        ListenerConfig listener = socket.listener();
        ServerConfig mounted = config.toBuilder()
                .host(listener.host())
                .port(listener.port())
                .tlsByHost(listener.tls().map(Tls::enabled).orElse(false))
                .build();
        CloudTermSite created = CloudTermSite.mounted(mounted, authentication);
        site.set(created);
        socket.httpRouting().addFeature(created);
    }

    @Override
    public String name() {
        return KEY;
    }

    @Override
    public String type() {
        return KEY;
    }

    /** Whether this feature mounts anything (false: no {@code server.features.cloudterm}, or {@code enabled: false}). */
    public boolean enabled() {
        return enabled;
    }

    /** The configuration read (host and port are the application's, once the server is set up). */
    public ServerConfig config() {
        return config;
    }

    /**
     * The access token when no login option is configured: the page's address with
     * {@code #token=<token>} logs in. Empty before the server is set up and with other logins.
     */
    public Optional<String> accessToken() {
        return Optional.ofNullable(site.get()).flatMap(CloudTermSite::accessToken);
    }

    /** Terminals currently alive. */
    public List<Terminal> terminals() {
        return Optional.ofNullable(site.get()).map(CloudTermSite::terminals).orElse(List.of());
    }

    /** WebSockets served on sockets taken over from Helidon by the native poller. */
    public int takenOverWebSockets() {
        return Optional.ofNullable(site.get()).map(CloudTermSite::takenOverWebSockets).orElse(0);
    }

    private static Map<String, String> listenerOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        for (String key : List.of("port", "interface")) {
            options.put(key, "server." + (key.equals("interface") ? "host" : key));
        }
        for (String key : List.of("ssl", "ssl-cert", "ssl-key", "ssl-ca")) {
            options.put(key, "server.tls");
        }
        for (String key : List.of("header-timeout", "body-timeout")) {
            options.put(key, "the server's own settings");
        }
        options.put("base-path", "path");
        options.put("once", "the application");
        options.put("exit-no-conn", "the application");
        return options;
    }

    /**
     * Fills a {@link CloudTermFeature} with the keys of {@code application.yaml} (the command line's
     * long option names); the named setters are the common ones.
     */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();
        private boolean enabled = true;
        private HostAuthentication authentication;

        private Builder() {
        }

        /**
         * Everything under {@code config} (e.g. {@code server.features.cloudterm}); a missing node
         * disables the feature.
         */
        public Builder config(Config config) {
            if (!config.exists()) {
                enabled = false;
                return this;
            }
            Config detached = config.detach();
            Map<String, String> all = detached.asMap().orElseGet(Map::of);
            all.forEach((key, value) -> {
                if (key.equals("enabled")) {
                    enabled(flag(value));
                } else {
                    values.put(key, value);
                }
            });
            return this;
        }

        /** Whether the feature mounts anything; true unless configured otherwise. */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /** Where CloudTerm lives on the server, e.g. {@code /term}; {@value #DEFAULT_PATH} by default. */
        public Builder path(String path) {
            return set("path", path);
        }

        /** The program and its arguments each terminal runs (default: the user's login shell). */
        public Builder command(String... command) {
            values.keySet().removeIf(key -> key.equals("command") || key.startsWith("command."));
            for (int i = 0; i < command.length; i++) {
                values.put("command." + i, command[i]);
            }
            return this;
        }

        /** HTTP Basic login with this {@code user:password}. */
        public Builder credential(String userColonPassword) {
            return set("credential", userColonPassword);
        }

        /** Logins from an htpasswd file of bcrypt hashes (make one with {@code cloudterm passwd FILE USER}). */
        public Builder users(Path file) {
            return set("users", file.toString());
        }

        /**
         * The application's own sign-in in place of CloudTerm's logins: the user it names owns the
         * terminals (each user sees and attaches to their own), there is no login form and no access
         * token; a request it names nobody for is answered 401. Asked for the page, the API and the
         * WebSocket upgrade alike, so it sees only what an upgrade has: the headers and the peer.
         * Not to be combined with {@code credential}, {@code users} or {@code no-auth}.
         */
        public Builder authentication(HostAuthentication authentication) {
            this.authentication = java.util.Objects.requireNonNull(authentication, "authentication");
            return this;
        }

        /** Any option by its long name without the dashes, e.g. {@code set("keep-alive", "60")}. */
        public Builder set(String key, String value) {
            values.put(key, value);
            return this;
        }

        /**
         * The feature; an {@link IllegalArgumentException} says which value is wrong, in the
         * command line's words.
         */
        public CloudTermFeature build() {
            if (!enabled) {
                return new CloudTermFeature(false, null, Optional.empty());
            }
            for (String key : values.keySet()) {
                String option = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
                String owner = LISTENER_OPTIONS.get(option);
                if (owner != null) {
                    throw new IllegalArgumentException("cloudterm." + option + ": inside a Helidon application this is "
                            + owner + "'s to set, not CloudTerm's");
                }
            }
            Map<String, String> withPath = new LinkedHashMap<>(values);
            withPath.putIfAbsent("path", DEFAULT_PATH);
            return new CloudTermFeature(true, CloudTermConfig.fromValues(withPath), Optional.ofNullable(authentication));
        }

        private static boolean flag(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("cloudterm.enabled wants true or false, not '" + value + "'");
            };
        }
    }
}
