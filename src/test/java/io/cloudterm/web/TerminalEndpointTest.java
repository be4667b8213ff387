package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.config.ServerConfig;
import io.cloudterm.connection.Connection;
import io.cloudterm.io.BufferPool;
import io.cloudterm.io.ReadBuffers;
import io.cloudterm.platform.Platform;
import io.cloudterm.protocol.CloseCodes;
import io.cloudterm.protocol.ServerMessages;
import io.cloudterm.terminal.TerminalLauncher;
import io.helidon.common.uri.UriFragment;
import io.helidon.common.uri.UriPath;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.WritableHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ttyd conversation on a {@link Connection}, without a server or a socket: a small connection
 * that writes down what the endpoint sends, and a real shell in a real pty behind it.
 */
class TerminalEndpointTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** A connection that keeps what is sent (OUTPUT bytes apart) and how it was closed. */
    private static final class RecordedConnection extends LoopbackConnection {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final CompletableFuture<String> closed = new CompletableFuture<>();

        @Override
        public void send(byte[] message) throws IOException {
            send(new byte[0], List.of(ByteBuffer.wrap(message)));
        }

        @Override
        public void send(byte[] prefix, List<ByteBuffer> parts) throws IOException {
            if (closed.isDone()) {
                throw new IOException("closed");
            }
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            message.writeBytes(prefix);
            for (ByteBuffer part : parts) {
                byte[] bytes = new byte[part.remaining()];
                part.get(part.position(), bytes);
                message.writeBytes(bytes);
            }
            byte[] whole = message.toByteArray();
            if (whole.length > 0 && whole[0] == ServerMessages.OUTPUT) {
                lock.lock();
                try {
                    output.write(whole, 1, whole.length - 1);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(int code, String reason) {
            closed.complete(code + " " + reason);
        }

        @Override
        public void abandon(int code, String reason) {
            close(code, reason);
        }

        @Override
        public boolean open() {
            return !closed.isDone();
        }

        /** Waits (bounded) until the terminal's output holds {@code text}. */
        void awaitOutput(String text) throws InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            lock.lock();
            try {
                while (!output().contains(text)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("no '" + text + "' in the output: " + output());
                    }
                    changed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }

        String output() {
            lock.lock();
            try {
                return output.toString(StandardCharsets.UTF_8);
            } finally {
                lock.unlock();
            }
        }

        String awaitClose() throws Exception {
            return closed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private final RecordedConnection connection = new RecordedConnection();
    private Heartbeat heartbeat;
    private Platform platform;
    private TerminalLauncher launcher;
    private TerminalEndpoint endpoint;

    /** The client goes, its terminal is hung up and ends; only then may the platform stop watching children. */
    @AfterEach
    void hangUp() {
        if (endpoint != null) {
            endpoint.closed(CloseCodes.NORMAL, "test over");
        }
        if (launcher != null) {
            launcher.terminals().live().forEach(terminal -> terminal.hangUp());
            Awaitility.await().atMost(PATIENCE).until(() -> launcher.terminals().live().isEmpty());
        }
        if (platform != null) {
            platform.close();
        }
        if (heartbeat != null) {
            heartbeat.close();
        }
    }

    /** An endpoint of a server running {@code command}, upgraded (with {@code authorization}, if any) and opened. */
    private void open(ServerConfig.Builder config, String authorization, String... command) throws Exception {
        // No keep-alive: the terminal is hung up when the test's client goes.
        ServerConfig built = config.command(List.of(command)).host("127.0.0.1").port(7681)
                .terminals(new ServerConfig.TerminalLimits(Duration.ZERO, 1 << 20, 64, 8)).build();
        HostPolicy hosts = new HostPolicy(built.host(), built.hosts().allowed(), built::port, built.secure());
        Gate gate = new Gate(Logins.authenticator(built, token -> { }), hosts, new OriginPolicy(built.allowedOrigins()),
                new SessionCookie(built.basePath(), false), false);
        heartbeat = new Heartbeat(Duration.ofMinutes(10));
        platform = Platform.select(built.nativeMode());
        launcher = new TerminalLauncher(built, platform.ptys(),
                new ReadBuffers(new BufferPool(4096, 4), new BufferPool(512, 4)));
        endpoint = new TerminalEndpoint(new ServerContext(built, gate, new ClientSlots(8, false, false, () -> { }),
                heartbeat, launcher, new RequestAuth(gate, built.basePath(), java.util.Optional.empty())));
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.set(HeaderNames.HOST, "127.0.0.1:7681");
        if (authorization != null) {
            headers.set(HeaderNames.AUTHORIZATION, authorization);
        }
        HttpPrologue prologue = HttpPrologue.create("HTTP/1.1", "HTTP", "1.1", Method.GET, UriPath.create("/ws"),
                UriQuery.empty(), UriFragment.empty());
        endpoint.onHttpUpgrade(prologue, headers, new LoopbackPeer());
        endpoint.opened(connection);
    }

    private void say(String message) {
        endpoint.message(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)), true);
    }

    private void handshake(String token, int columns, int rows) {
        say("{\"AuthToken\":\"" + token + "\",\"columns\":" + columns + ",\"rows\":" + rows + "}");
    }

    @Test
    void inputBeforeJsonDataClosesWithAProtocolViolation() throws Exception {
        open(ServerConfig.builder().authMode(AuthMode.NONE), null, "cat");
        say("0ls\n");
        assertTrue(connection.awaitClose().startsWith(CloseCodes.PROTOCOL_VIOLATION + " "), connection.closed.get());
    }

    @Test
    void aRefusedAuthTokenClosesWith4003() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString("ann:secret-pass".getBytes(StandardCharsets.UTF_8));
        open(ServerConfig.builder().authMode(AuthMode.BASIC).credential(Optional.of("ann:secret-pass")), basic, "cat");
        handshake("not-a-token", 80, 24);
        assertTrue(connection.awaitClose().startsWith(CloseCodes.AUTH_FAILED + " "), connection.closed.get());
    }

    @Test
    void typedInputReachesTheShellAndItsAnswerComesBack() throws Exception {
        open(ServerConfig.builder().authMode(AuthMode.NONE), null, "sh", "-c", "read line; echo got-$line; sleep 60");
        handshake("", 80, 24);
        say("0hello\n");
        connection.awaitOutput("got-hello");
    }

    @Test
    void aResizeReachesTheChild() throws Exception {
        open(ServerConfig.builder().authMode(AuthMode.NONE), null, "sh", "-c", "read line; stty size; sleep 60");
        handshake("", 80, 24);
        say("1{\"columns\":100,\"rows\":30}");
        say("0\n");
        connection.awaitOutput("30 100");
    }

    @Test
    void pausedOutputWaitsForResume() throws Exception {
        open(ServerConfig.builder().authMode(AuthMode.NONE), null, "sh", "-c", "read line; echo after-$line; sleep 60");
        handshake("", 80, 24);
        say("2");
        say("0resume\n");
        // Bounded: the child answers within this on any machine; held output must not show up.
        Thread.sleep(1000);
        assertFalse(connection.output().contains("after-resume"), connection.output());
        say("3");
        connection.awaitOutput("after-resume");
    }

    @Test
    void inputFromAReadOnlyClientIsIgnored() throws Exception {
        open(ServerConfig.builder().authMode(AuthMode.NONE).readonly(true), null, "sh", "-c", "echo ready; read line; echo got-$line; sleep 60");
        handshake("", 80, 24);
        connection.awaitOutput("ready");
        say("0typed\n");
        // Bounded: a shell given the line answers within this on any machine.
        Thread.sleep(1000);
        assertFalse(connection.output().contains("typed"), connection.output());
        assertFalse(connection.closed.isDone(), "ignored, not refused");
    }
}
