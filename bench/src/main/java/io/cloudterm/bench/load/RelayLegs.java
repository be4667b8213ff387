package io.cloudterm.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The processes of the gateway scenario and the ways through them to a terminal (the legs): a
 * host that trusts only the gateway's signed identity, behind a gateway that splices, one that
 * copies and, for throughput, one in pure Java ({@code --native off}); and an ordinary
 * {@code --no-auth} host of the same command, reached directly and through nginx. Both hosts run
 * {@link #COMMAND}, which streams or echoes as the client's {@code ?arg=} asks. Everything started
 * is stopped on {@link #close}, also after a failure.
 */
final class RelayLegs implements AutoCloseable {

    /** Loopback address of the trusted host: the gateway dials it as {@code 127.0.0.2:PORT}, a host of its own. */
    static final String HOST_ADDRESS = "127.0.0.2";

    /**
     * The hosts' command, run with {@code --url-arg}: {@code ?arg=stream} is the throughput
     * scenario's stream ({@link StreamCheck#COMMAND}), anything else the latency scenario's echo
     * through cat in raw mode ({@link EchoCheck#COMMAND}).
     */
    static final List<String> COMMAND = List.of("sh", "-c", "case \"$1\" in stream) " + StreamCheck.COMMAND.get(2) + ";; *) "
            + EchoCheck.COMMAND.get(2) + ";; esac", "sh");
    static final String STREAM = "arg=stream", ECHO = "arg=echo";

    enum Kind { DIRECT, GATEWAY, NGINX }

    /**
     * One way to a terminal. {@code relayCpu} and {@code relayRssKb} read the relaying process (the
     * gateway's JVM, or nginx's master and worker); {@code host} is the terminal server behind it.
     */
    record Leg(String id, String name, Kind kind, Entrance entrance, ServerProcess relay, Nginx nginx, ServerProcess host) {

        /** utime + stime of the relaying process (0 for the direct leg: nothing relays). */
        long relayCpuTicks() {
            return relay != null ? Proc.cpuTicks(relay.pid()) : nginx != null ? nginx.cpuTicks() : 0;
        }

        LongSupplier relayCpu() {
            return this::relayCpuTicks;
        }

        /** A fresh entrance (a gateway's AuthToken lives a few minutes) for the stream or the echo. */
        Entrance at(String query) throws IOException, InterruptedException {
            return entrance.renewed().withQuery(query);
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<String> commands = new ArrayList<>();
    private final Path dir, privateKey, publicKey;
    final ServerProcess trustedHost, plainHost;
    final Leg direct, splice, copy, nginx;
    /** The pure-Java gateway ({@code --native off}); null, as any leg not asked for and the trusted host without gateways. */
    final Leg javaGateway;

    private RelayLegs(ServerSpec spec, String nginxPath, String nginxBuffer, int terminals, List<String> ids,
                      List<String> gatewayOptions) throws Exception {
        dir = Files.createTempDirectory("cloudterm-gateway-bench");
        privateKey = dir.resolve("gateway.key");
        publicKey = dir.resolve("gateway.pub");
        boolean ok = false;
        try {
            keyPair();
            String limit = String.valueOf(terminals + 20);
            List<String> limits = List.of("--keep-alive", "0", "--max-terminals", limit, "--max-terminals-per-user", limit,
                    "--url-arg");
            plainHost = server(spec, "host reached directly and through nginx", spec.command(limits, COMMAND));
            direct = new Leg("direct", "direct", Kind.DIRECT, Entrance.open(plainHost.ws()), null, null, plainHost);

            if (ids.contains("splice") || ids.contains("copy") || ids.contains("java")) {
                List<String> trusted = spec.launcher();
                trusted.addAll(List.of("--interface", HOST_ADDRESS, "--port", "0", "--native", spec.nativeMode,
                        "--trust-gateway", publicKey.toString()));
                trusted.addAll(limits);
                trusted.add("--");
                trusted.addAll(COMMAND);
                trustedHost = server(spec, "host behind the gateways", trusted);
                String hosts = "static:" + HOST_ADDRESS + ":" + trustedHost.ws().getPort();
                splice = ids.contains("splice") ? gateway(spec, "splice", "gateway --relay splice", hosts, privateKey, "splice",
                        spec.nativeMode, gatewayOptions) : null;
                if (splice != null) {
                    splice.relay().keeps("pipe", "a splicing relay keeps up to a bounded number of empty pipes between bursts");
                }
                copy = ids.contains("copy") ? gateway(spec, "copy", "gateway --relay copy", hosts, privateKey, "copy", spec.nativeMode,
                        gatewayOptions) : null;
                javaGateway = ids.contains("java") ? gateway(spec, "java", "gateway --native off", hosts, privateKey, null, "off",
                        gatewayOptions) : null;
            } else {
                trustedHost = null;
                splice = copy = javaGateway = null;
            }

            if (ids.contains("nginx")) {
                int hostPort = plainHost.ws().getPort();
                Nginx proxy = Nginx.start(nginxPath, -1, port -> nginxConfig(port, hostPort, nginxBuffer));
                started.add(proxy);
                commands.add("nginx (pid " + proxy.pid() + "): " + shell(proxy.command()) + "\n"
                        + proxy.config().indent(4).stripTrailing());
                nginx = new Leg("nginx", "nginx", Kind.NGINX, Entrance.open(java.net.URI.create("ws://127.0.0.1:" + proxy.port() + "/ws")),
                        null, proxy, plainHost);
            } else {
                nginx = null;
            }
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    /** Starts what the legs {@code ids} need: {@code terminals} is the most any phase opens at once. */
    static RelayLegs start(ServerSpec spec, String nginx, String nginxBuffer, int terminals, List<String> ids,
                           List<String> gatewayOptions) throws Exception {
        return new RelayLegs(spec, nginx, nginxBuffer, terminals, ids, gatewayOptions);
    }

    /** The legs in the order each round runs them: direct first, the relays after it, interleaved. */
    List<Leg> all() {
        return java.util.stream.Stream.of(direct, splice, copy, nginx, javaGateway).filter(java.util.Objects::nonNull).toList();
    }

    /** The terminal servers: the trusted one only when a gateway leg was asked for. */
    List<ServerProcess> hosts() {
        return java.util.stream.Stream.of(trustedHost, plainHost).filter(java.util.Objects::nonNull).toList();
    }

    /** A command line as a POSIX shell reads it back: an argument with anything but plain characters in single quotes. */
    static String shell(List<String> command) {
        List<String> words = new ArrayList<>();
        for (String a : command) {
            words.add(a.matches("[A-Za-z0-9_@%+=:,./-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return String.join(" ", words);
    }

    /** Every process's exact command line (nginx's with its configuration), in the order started. */
    List<String> commands() {
        return commands;
    }

    /**
     * nginx as a WebSocket reverse proxy, tuned as the files scenario tunes it for files: one
     * worker, no access log, Nagle off toward both sides, no response buffering, and each
     * direction's buffer as large as the gateway's copy buffer (64 KiB unless {@code buffer}; an
     * upgraded connection uses only {@code proxy_buffer_size}, the others just have to agree with it).
     */
    static String nginxConfig(int port, int hostPort, String buffer) {
        return """
                tcp_nodelay on;
                server {
                    listen 127.0.0.1:%1$d;
                    location / {
                        proxy_pass http://127.0.0.1:%2$d;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection "upgrade";
                        proxy_buffering off;
                        proxy_buffer_size %3$s;
                        proxy_buffers 4 %3$s;
                        proxy_busy_buffers_size %4$d;
                        proxy_read_timeout 3600s;
                        proxy_send_timeout 3600s;
                    }
                }
                """.formatted(port, hostPort, buffer, 2 * StaticFiles.parseSize(buffer));
    }

    private ServerProcess server(ServerSpec spec, String role, List<String> command) throws IOException {
        ServerProcess s = ServerProcess.start(spec, command);
        started.add(s);
        commands.add(role + " (pid " + s.pid() + "): " + shell(command));
        return s;
    }

    private Leg gateway(ServerSpec spec, String id, String name, String hosts, Path key, String relay, String nativeMode, List<String> options)
            throws IOException, InterruptedException {
        List<String> command = spec.launcher();
        command.addAll(1, options); // JVM options of the gateway alone, after the java executable
        command.addAll(List.of("gateway", "--interface", "127.0.0.1", "--port", "0", "--native", nativeMode, "--hosts", hosts,
                "--gateway-key", key.toString()));
        if (relay != null) { // in pure Java a gateway copies over Helidon's streams whatever --relay says
            command.addAll(List.of("--relay", relay));
        }
        ServerProcess gateway = server(spec, name, command);
        return new Leg(id, name, Kind.GATEWAY, Entrance.login(gateway), gateway, null, trustedHost);
    }

    /**
     * A fresh Ed25519 key pair as the docs make it with openssl: the gateway's private key (PEM,
     * PKCS #8, readable by its owner only) in {@code gateway.key}, the hosts' public key in
     * {@code gateway.pub}.
     */
    private void keyPair() throws IOException, GeneralSecurityException {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Stops everything started, nginx too, gateways before hosts; removes the key. */
    @Override
    public void close() throws Exception {
        for (AutoCloseable c : started.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                System.out.println("stopping " + c + ": " + e);
            }
        }
        Files.deleteIfExists(privateKey);
        Files.deleteIfExists(publicKey);
        Files.deleteIfExists(dir);
    }
}
