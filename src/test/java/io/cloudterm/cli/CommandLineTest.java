package io.cloudterm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.config.ServerConfig;
import io.cloudterm.pty.NativeMode;
import io.cloudterm.pty.Signal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The command line: ttyd's options, secure defaults, and one clear line with status 2 for bad input. */
class CommandLineTest {

    private record Run(int status, String out, String err) {
    }

    @TempDir
    Path dir;

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = CloudTerm.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void defaultsAreLoopbackWithAnAccessTokenAndTheLoginShell() {
        ServerConfig config = CloudTerm.configFrom();
        assertEquals("127.0.0.1", config.host());
        assertEquals(7681, config.port());
        assertEquals(AuthMode.TOKEN, config.authMode());
        assertEquals(Signal.HUP, config.hangupSignal());
        assertEquals("xterm-256color", config.terminalType());
        assertEquals(NativeMode.AUTO, config.nativeMode());
        assertEquals("-l", config.command().get(1), "a login shell");
        assertTrue(config.loopbackOnly());
        assertEquals(new ServerConfig.ClientLimits(32, 64), config.clients());
        assertEquals(new ServerConfig.ClientLimits(5, 7),
                CloudTerm.configFrom("--max-clients-per-terminal", "5", "--max-guest-clients-per-user", "7").clients());
        assertEquals(ServerConfig.HttpLimits.DEFAULT, config.http());
    }

    @Test
    void observeEndpointsNeedTheLoginUnlessMadePublic() {
        assertEquals(ServerConfig.Observe.DEFAULT, CloudTerm.configFrom().observe());
        assertFalse(CloudTerm.configFrom().observe().publicEndpoints());
        assertTrue(CloudTerm.configFrom("--observe-public").observe().publicEndpoints());
    }

    @Test
    void requestTimeoutsAreSeconds() {
        ServerConfig config = CloudTerm.configFrom("--header-timeout", "3", "--body-timeout", "40");
        assertEquals(new ServerConfig.HttpLimits(java.time.Duration.ofSeconds(3), java.time.Duration.ofSeconds(40)),
                config.http());
    }

    @Test
    void everyTtydOptionIsUnderstood() {
        ServerConfig config = CloudTerm.configFrom("-p", "9000", "-i", "127.0.0.2", "-c", "u:p", "-w", "/tmp", "-T", "vt100",
                "-t", "fontSize=20", "-m", "3", "-o", "-q", "-R", "-s", "SIGTERM", "-b", "/x", "-a",
                "--allow-origin", "https://a.example,https://b.example", "--native", "off", "--", "vim", "-u", "NONE");
        assertEquals(9000, config.port());
        assertEquals("127.0.0.2", config.host());
        assertEquals(AuthMode.BASIC, config.authMode());
        assertEquals("/tmp", config.workingDirectory().toString());
        assertEquals("vt100", config.terminalType());
        assertEquals(Map.of("fontSize", "20"), config.clientOptions());
        assertEquals(3, config.maxClients());
        assertTrue(config.once() && config.exitNoConn() && config.readonly() && config.urlArgs());
        assertEquals(Signal.TERM, config.hangupSignal());
        assertEquals("/x", config.basePath());
        assertEquals(2, config.allowedOrigins().size());
        assertEquals(NativeMode.OFF, config.nativeMode());
        assertEquals(List.of("vim", "-u", "NONE"), config.command());
    }

    @Test
    void optionsAfterTheCommandBelongToTheCommand() {
        assertEquals(List.of("bash", "-p", "--version"), CloudTerm.configFrom("bash", "-p", "--version").command());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port 70000                  | --port must be between 0 and 65535",
        "--port abc                    | Invalid value for option '--port'",
        "--bogus                       | Unknown option: '--bogus'",
        "--signal NOPE                 | unknown signal 'NOPE'",
        "--native maybe                | --native must be auto, on or off",
        "--cwd /no/such/dir            | is not a directory",
        "--credential nocolon          | --credential must look like user:password",
        "--no-auth -i 0.0.0.0          | --no-auth is allowed only on a loopback interface",
        "--no-auth -c a:b              | contradict",
        "--allow-origin evil           | --allow-origin wants scheme://host",
        "--allow-host http://x.example | --allow-host wants NAME or NAME:PORT",
        "--base-path /a?b              | --base-path may hold only",
        "--max-clients -1              | --max-clients cannot be negative",
        "--max-clients-per-terminal 0  | --max-clients-per-terminal and --max-guest-clients-per-user must be at least 1",
        "--max-guest-clients-per-user 0 | --max-clients-per-terminal and --max-guest-clients-per-user must be at least 1",
        "--header-timeout 0            | --header-timeout and --body-timeout must be at least 1 second",
        "--body-timeout -3             | --header-timeout and --body-timeout must be at least 1 second",
        "--port                        | Missing required parameter for option '--port'",
        "--credential-file /no/such/f  | --credential-file /no/such/f is not a file",
        "-c a:b --credential-file /x   | choose one of --credential and --credential-file",
        "-- no-such-program-cloudterm  | cannot run 'no-such-program-cloudterm': not found on PATH",
        "--files /no/such/directory    | --files /no/such/directory is not a directory",
        "--files-list                  | --files-path, --files-public, --files-list, --files-follow-symlinks and --files-cache need --files DIR",
        "--files /tmp --files-cache lots | --files-cache wants a number of bytes (0 turns the cache off), not 'lots'",
        "--files /tmp --files-path /observe | --files-path cannot be at /observe, which CloudTerm answers itself",
        "-b /term --files /tmp --files-path /elsewhere | --files-path must be under the base path /term",
        "gateway                       | a gateway needs its hosts: cloudterm gateway --hosts",
        "--hosts static:h:1            | --hosts is for a gateway: cloudterm gateway --hosts",
        "gateway --hosts static:h:1 -- sh | a gateway runs no program",
        "gateway --hosts static:h:1    | give it --gateway-key FILE",
        "gateway --hosts static:h:1 --gateway-key /k --placement far | --placement wants hash or least-loaded, not 'far'",
        "gateway --hosts static:h:1 --gateway-key /k --relay fast | --relay wants splice or copy, not 'fast'",
        "gateway --hosts static:h:1 --gateway-key /k --hosts-refresh 0 | --hosts-refresh wants 1 to 3600 seconds",
        "gateway --hosts static:h:1 --gateway-key /k --no-auth | it needs a login: leave out --no-auth",
        "gateway --hosts static:h:1 --gateway-key /no/such/key | /no/such/key",
        "--gateway-key /k              | --gateway-key is for a gateway",
        "--placement hash              | --placement, --hosts-refresh and --relay are for a gateway",
        "-c a:b --trust-gateway /k     | --trust-gateway replaces this server's logins with the gateway's",
        "--trust-gateway /no/such/key -- sh | /no/such/key",
    })
    void badOptionsGiveOneLineAndStatusTwo(String args, String message) {
        Run run = run(args.trim().split("\\s+"));
        assertEquals(2, run.status(), run.toString());
        assertTrue(run.err().contains(message), run.err());
        assertEquals(1, run.err().lines().count(), "one line: " + run.err());
        assertTrue(run.err().startsWith("cloudterm: "), run.err());
    }

    /** A credential file for alice:wonderland with these permissions. */
    private Path credentialFile(String content, String permissions) throws Exception {
        Path file = dir.resolve("credential");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    @Test
    void aCredentialFileKeepsThePasswordOffTheCommandLine() throws Exception {
        Path file = credentialFile("alice:won:derland\n", "rw-------");
        ServerConfig config = CloudTerm.configFrom("--credential-file", file.toString());
        assertEquals(AuthMode.BASIC, config.authMode());
        assertEquals("alice:won:derland", config.credential().orElseThrow());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rw-r--r-- | alice:wonderland\\n                 | can be read or changed by other users; run: chmod 600 ",
        "rw-rw---- | alice:wonderland\\n                 | can be read or changed by other users; run: chmod 600 ",
        "rw------- | wonderland\\n                       | must hold one line user:password",
        "rw------- | alice:wonderland\\nbob:builder\\n   | must hold one line user:password",
        "rw------- | ''                                   | must hold one line user:password",
    })
    void aCredentialFileOthersCanReadOrThatIsMalformedIsRefused(String permissions, String content, String message)
            throws Exception {
        Path file = credentialFile(content.replace("\\n", "\n"), permissions);
        Run run = run("--credential-file", file.toString(), "--", "sh");
        assertEquals(2, run.status(), run.toString());
        assertTrue(run.err().contains(message), run.err());
        assertEquals(1, run.err().lines().count(), "one line: " + run.err());
        assertFalse(run.err().contains("wonderland") || run.err().contains("builder"), "no secret in the message: " + run.err());
    }

    @Test
    void theEnvironmentCanHoldTheCredential() {
        Options options = new Options();
        new CommandLine(options).setStopAtPositional(true).parseArgs("--", "sh");
        options.environment = Map.of("CLOUDTERM_CREDENTIAL", "alice:wonderland");
        ServerConfig config = options.toConfig();
        assertEquals(AuthMode.BASIC, config.authMode());
        assertEquals("alice:wonderland", config.credential().orElseThrow());
    }

    @Test
    void aMalformedCredentialInTheEnvironmentIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = CloudTerm.run(new String[] {"--", "sh"}, Map.of("CLOUDTERM_CREDENTIAL", "wonderland"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("CLOUDTERM_CREDENTIAL must look like user:password"), message);
        assertFalse(message.contains("wonderland"), message);
    }

    @Test
    void aCredentialOnTheCommandLineIsWarnedAbout() {
        List<LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(Options.class.getName());
        logger.addHandler(handler);
        try {
            CloudTerm.configFrom("-c", "alice:wonderland", "--", "sh");
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(1, records.size(), records.toString());
        assertEquals(Level.WARNING, records.getFirst().getLevel());
        String warning = records.getFirst().getMessage();
        assertTrue(warning.contains("ps") && warning.contains("--credential-file") && warning.contains("CLOUDTERM_CREDENTIAL"),
                warning);
        assertFalse(warning.contains("wonderland"), warning);
    }

    @Test
    void aPortInUseIsExplained() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run run = run("--port", String.valueOf(taken.getLocalPort()), "--", "sh");
            assertEquals(1, run.status(), run.toString());
            assertTrue(run.err().contains("pass --port"), run.err());
        }
    }

    @Test
    void helpAndVersionExitZero() {
        Run help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--credential") && help.out().contains("--allow-origin"), help.out());
        assertTrue(help.out().contains("--files=DIR") && help.out().contains("--files-public"), help.out());
        Run version = run("--version");
        assertEquals(0, version.status());
        assertTrue(version.out().startsWith("CloudTerm "), version.out());
    }
}
