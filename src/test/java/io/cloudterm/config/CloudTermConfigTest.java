package io.cloudterm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cloudterm.cli.CloudTerm;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The command line and application.yaml are two front doors to one configuration: same keys, same result, same errors. */
class CloudTermConfigTest {

    @TempDir
    static Path directory;

    static Stream<Arguments> sameConfiguration() throws IOException {
        Path users = Files.writeString(directory.resolve("users"), "");
        return Stream.of(
                Arguments.of("defaults", new String[] {"--", "sh"}, "command: [sh]"),
                Arguments.of("listener", new String[] {"-p", "8080", "-i", "0.0.0.0", "-b", "/term/", "-c", "u:p",
                        "--allow-host", "term.example,proxy:8443", "--header-timeout", "3", "--body-timeout", "40", "--", "sh"},
                        """
                        port: 8080
                        interface: 0.0.0.0
                        base-path: /term/
                        credential: "u:p"
                        allow-host: [term.example, "proxy:8443"]
                        header-timeout: 3
                        body-timeout: 40
                        command: [sh]
                        """),
                Arguments.of("public metrics and health", new String[] {"--observe-public", "--", "sh"},
                        "observe-public: true\ncommand: [sh]"),
                Arguments.of("programs may read the clipboard", new String[] {"--clipboard-read", "--", "sh"},
                        "clipboard:\n  read: true\ncommand: [sh]"),
                Arguments.of("path is base-path", new String[] {"--base-path", "/term", "--", "sh"},
                        "path: /term\ncommand: [sh]"),
                Arguments.of("accounts and sessions", new String[] {"--users", users.toString(), "--session-idle", "5",
                        "--session-lifetime", "2", "--login-burst", "3", "--login-refill", "9",
                        "--allow-origin", "https://portal.example", "--frame-ancestors", "'self'", "--", "sh"},
                        """
                        users: %s
                        session-idle: 5
                        session-lifetime: 2
                        login-burst: 3
                        login-refill: 9
                        allow-origin: https://portal.example
                        frame-ancestors: "'self'"
                        command: [sh]
                        """.formatted(users)),
                Arguments.of("terminals", new String[] {"-w", "/tmp", "-T", "vt100", "-t", "fontSize=16", "-t", "cursorBlink=true",
                        "-m", "3", "-R", "-s", "TERM", "--kill-after", "2", "-a", "--keep-alive", "0", "--scrollback", "1024",
                        "--max-terminals", "4", "--max-terminals-per-user", "2", "--max-clients-per-terminal", "5",
                        "--max-guest-clients-per-user", "6", "--native", "off", "--ping-interval", "7", "--", "bash", "-l"},
                        """
                        cwd: /tmp
                        terminal-type: vt100
                        client-option: ["fontSize=16", "cursorBlink=true"]
                        max-clients: 3
                        readonly: true
                        signal: TERM
                        kill-after: 2
                        url-arg: true
                        keep-alive: 0
                        scrollback: 1024
                        max-terminals: 4
                        max-terminals-per-user: 2
                        max-clients-per-terminal: 5
                        max-guest-clients-per-user: 6
                        native: "off"
                        ping-interval: 7
                        command: ["bash", "-l"]
                        """),
                // A mapping is shorter to write but keeps no order: the list above sends them as written.
                Arguments.of("client options as a mapping", new String[] {"-t", "fontSize=16", "--", "sh"},
                        "client-option:\n  fontSize: 16\ncommand: [sh]"),
                Arguments.of("recording and no login", new String[] {"--record", directory.toString(), "--record-input",
                        "--no-auth", "-o", "-q", "--", "sh"},
                        """
                        record: %s
                        record-input: true
                        no-auth: true
                        once: true
                        exit-no-conn: true
                        command: [sh]
                        """.formatted(directory)),
                Arguments.of("a shared directory", new String[] {"--files", directory.toString(), "--", "sh"},
                        "files:\n  dir: %s\ncommand: [sh]".formatted(directory)),
                Arguments.of("a shared directory, every option", new String[] {"-b", "/term", "--files", directory.toString(),
                        "--files-path", "/term/downloads/", "--files-public", "--files-list", "--files-follow-symlinks",
                        "--files-cache", "1048576", "--", "sh"},
                        """
                        base-path: /term
                        files:
                          dir: %s
                          path: /term/downloads/
                          public: true
                          list: true
                          follow-symlinks: true
                          cache: 1048576
                        command: [sh]
                        """.formatted(directory)),
                Arguments.of("a shared directory without a cache", new String[] {"--files", directory.toString(),
                        "--files-cache", "0", "--", "sh"}, "files:\n  dir: %s\n  cache: 0\ncommand: [sh]".formatted(directory)),
                Arguments.of("no file transfer", new String[] {"--no-transfer", "--", "sh"},
                        "transfer:\n  enabled: false\ncommand: [sh]"),
                Arguments.of("a smaller upload limit", new String[] {"--upload-max", "100M", "--", "sh"},
                        "transfer:\n  upload-max: 100M\ncommand: [sh]"));
    }

    @Test
    void aSharedDirectoryIsServedUnderTheBasePathBehindTheLogin() {
        ServerConfig config = CloudTermConfig.from(yaml("base-path: /term\nfiles:\n  dir: %s\ncommand: [sh]".formatted(directory)));
        assertEquals(java.util.Optional.of(directory.toAbsolutePath().normalize()), config.files().directory());
        assertEquals("/term/files", config.filesPath());
        assertEquals(false, config.files().publicAccess() || config.files().listing() || config.files().followSymlinks());
        assertEquals(64L << 20, config.files().cacheBytes(), "64 MiB of small files in memory unless told otherwise");
        assertEquals(ServerConfig.Files.NONE, CloudTermConfig.from(yaml("command: [sh]")).files());
        assertEquals("/files", CloudTermConfig.from(yaml("command: [sh]")).filesPath());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void sameConfiguration(String story, String[] commandLine, String yaml) {
        ServerConfig fromCommandLine = CloudTerm.configFrom(commandLine);
        ServerConfig fromYaml = CloudTermConfig.from(yaml(yaml));
        assertEquals(fromCommandLine, fromYaml);
        assertEquals(fromCommandLine.toString(), fromYaml.toString());
    }

    @Test
    void fileTransferIsOnWithAOneGibibyteLimitUnlessToldOtherwise() {
        assertEquals(new ServerConfig.Transfer(true, 1L << 30), CloudTermConfig.from(yaml("command: [sh]")).transfer());
        assertEquals(1536L << 10, CloudTermConfig.from(yaml("transfer:\n  upload-max: 1536K\ncommand: [sh]")).transfer().uploadMax());
        assertEquals(1000, CloudTermConfig.from(yaml("transfer:\n  upload-max: 1000\ncommand: [sh]")).transfer().uploadMax());
        assertEquals(false, CloudTerm.configFrom("--no-transfer", "--", "sh").transfer().enabled());
    }

    @Test
    void observePublicOpensTheMetricsAndHealthEndpoints() {
        assertEquals(true, CloudTermConfig.from(yaml("observe-public: true\ncommand: [sh]")).observe().publicEndpoints());
        assertEquals(false, CloudTermConfig.from(yaml("command: [sh]")).observe().publicEndpoints());
        assertEquals("--observe-public wants true or false, not 'maybe'", assertThrows(IllegalArgumentException.class,
                () -> CloudTermConfig.from(yaml("observe-public: maybe\ncommand: [sh]"))).getMessage());
    }

    @Test
    void programsMayOnlyWriteTheClipboardUnlessReadingIsAllowed() {
        assertEquals(false, CloudTermConfig.from(yaml("command: [sh]")).clipboard().read());
        assertEquals(true, CloudTermConfig.from(yaml("clipboard:\n  read: true\ncommand: [sh]")).clipboard().read());
        assertEquals("clipboard takes read (in application.yaml, clipboard: {read: true})", assertThrows(
                IllegalArgumentException.class, () -> CloudTermConfig.from(yaml("clipboard: true\ncommand: [sh]"))).getMessage());
    }

    static Stream<Arguments> sameMessage() {
        return Stream.of(
                Arguments.of(new String[] {"-p", "70000"}, "port: 70000"),
                Arguments.of(new String[] {"--native", "maybe"}, "native: maybe"),
                Arguments.of(new String[] {"-s", "NOPE"}, "signal: NOPE"),
                Arguments.of(new String[] {"-c", "nocolon"}, "credential: nocolon"),
                Arguments.of(new String[] {"-c", "u:p", "--no-auth"}, "credential: \"u:p\"\nno-auth: true"),
                Arguments.of(new String[] {"--allow-origin", "ftp://x"}, "allow-origin: [\"ftp://x\"]"),
                Arguments.of(new String[] {"--allow-host", "a/b"}, "allow-host: a/b"),
                Arguments.of(new String[] {"-b", "/a b"}, "path: /a b"),
                Arguments.of(new String[] {"--keep-alive", "-1"}, "keep-alive: -1"),
                Arguments.of(new String[] {"--ssl"}, "ssl: true"),
                Arguments.of(new String[] {"--record-input"}, "record-input: true"),
                Arguments.of(new String[] {"--frame-ancestors", "<script>"}, "frame-ancestors: <script>"),
                Arguments.of(new String[] {"-i", "0.0.0.0", "--no-auth"}, "interface: 0.0.0.0\nno-auth: true"),
                Arguments.of(new String[] {"--files", "/no/such/directory"}, "files:\n  dir: /no/such/directory"),
                Arguments.of(new String[] {"--files-public"}, "files:\n  public: true"),
                Arguments.of(new String[] {"--upload-max", "0"}, "transfer:\n  upload-max: 0"),
                Arguments.of(new String[] {"--upload-max", "1T"}, "transfer:\n  upload-max: 1T"),
                Arguments.of(new String[] {"-b", "/term", "--files", "/tmp", "--files-path", "/x"},
                        "base-path: /term\nfiles:\n  dir: /tmp\n  path: /x"),
                Arguments.of(new String[] {"--files", "/tmp", "--files-path", "/api"}, "files:\n  dir: /tmp\n  path: /api"),
                Arguments.of(new String[] {"--files", "/tmp", "--files-path", "/a/../b"}, "files:\n  dir: /tmp\n  path: /a/../b"),
                Arguments.of(new String[] {"--files", "/tmp", "--files-path", "/a b"}, "files:\n  dir: /tmp\n  path: /a b"),
                Arguments.of(new String[] {"--files", "/tmp", "--files-cache", "-1"}, "files:\n  dir: /tmp\n  cache: -1"),
                Arguments.of(new String[] {"--files", "/tmp", "--files-cache", "64M"}, "files:\n  dir: /tmp\n  cache: 64M"),
                Arguments.of(new String[] {"--files-cache", "1000"}, "files:\n  cache: 1000"));
    }

    @ParameterizedTest
    @MethodSource
    void sameMessage(String[] commandLine, String yaml) {
        String[] withCommand = Stream.concat(Stream.of(commandLine), Stream.of("--", "sh")).toArray(String[]::new);
        IllegalArgumentException fromCommandLine = assertThrows(IllegalArgumentException.class, () -> CloudTerm.configFrom(withCommand));
        IllegalArgumentException fromYaml = assertThrows(IllegalArgumentException.class,
                () -> CloudTermConfig.from(yaml(yaml + "\ncommand: [sh]")));
        assertEquals(fromCommandLine.getMessage(), fromYaml.getMessage());
    }

    @Test
    void valuesOfTheWrongKindAreNamed() {
        assertEquals("--port wants a whole number, not 'eighty'",
                assertThrows(IllegalArgumentException.class, () -> CloudTermConfig.from(yaml("port: eighty"))).getMessage());
        assertEquals("--readonly wants true or false, not 'maybe'",
                assertThrows(IllegalArgumentException.class, () -> CloudTermConfig.from(yaml("readonly: maybe"))).getMessage());
        assertEquals("--credential wants a single value",
                assertThrows(IllegalArgumentException.class, () -> CloudTermConfig.from(yaml("credential: [a, b]"))).getMessage());
    }

    @Test
    void aSharedDirectoryIsAMappingInApplicationYaml() {
        assertEquals("files takes dir, path, public, list, follow-symlinks and cache (in application.yaml, files: {dir: DIR})",
                assertThrows(IllegalArgumentException.class, () -> CloudTermConfig.from(yaml("files: /tmp\ncommand: [sh]"))).getMessage());
        assertEquals("--files-list wants true or false, not 'maybe'", assertThrows(IllegalArgumentException.class,
                () -> CloudTermConfig.from(yaml("files:\n  dir: /tmp\n  list: maybe\ncommand: [sh]"))).getMessage());
    }

    @Test
    void gatewayModeComesFromTheGatewayMapping() {
        ServerConfig gateway = CloudTermConfig.from(yaml(String.join("\n",
                "gateway:",
                "  hosts: dns:cloudterm-hosts.default.svc:7681",
                "  key: /etc/cloudterm/gateway.key",
                "  placement: least-loaded",
                "  refresh: 30",
                "  relay: copy",
                "command: [sh]")));
        assertEquals(true, gateway.gateway().relays());
        assertEquals(java.util.Optional.of("dns:cloudterm-hosts.default.svc:7681"), gateway.gateway().hosts());
        assertEquals(java.util.Optional.of(Path.of("/etc/cloudterm/gateway.key")), gateway.gateway().key());
        assertEquals(ServerConfig.Gateway.Placement.LEAST_LOADED, gateway.gateway().placement());
        assertEquals(java.time.Duration.ofSeconds(30), gateway.gateway().refresh());
        assertEquals(false, gateway.gateway().splice());

        ServerConfig host = CloudTermConfig.from(yaml("gateway:\n  trust: /etc/cloudterm/gateway.key\ncommand: [sh]"));
        assertEquals(false, host.gateway().relays());
        assertEquals(java.util.Optional.of(Path.of("/etc/cloudterm/gateway.key")), host.gateway().trust());
        assertEquals(ServerConfig.Gateway.NONE, CloudTermConfig.from(yaml("command: [sh]")).gateway());

        assertEquals("gateway takes hosts, placement, key, refresh, relay and trust (in application.yaml, gateway: {hosts: dns:NAME:PORT, key: FILE})",
                assertThrows(IllegalArgumentException.class, () -> CloudTermConfig.from(yaml("gateway: yes\ncommand: [sh]"))).getMessage());
        assertEquals("a gateway does not trust another gateway: leave out --trust-gateway", assertThrows(IllegalArgumentException.class,
                () -> CloudTermConfig.from(yaml("gateway:\n  hosts: static:h:1\n  key: /k\n  trust: /k\ncommand: [sh]"))).getMessage());
    }

    @Test
    void aPasswordIsTakenLiterally() {
        ServerConfig config = CloudTerm.configFrom("-c", "u:${HOME}", "--", "sh");
        assertEquals("u:${HOME}", config.credential().orElseThrow());
    }

    private static Config yaml(String text) {
        return Config.just(ConfigSources.create(text, MediaTypes.APPLICATION_X_YAML));
    }
}
