package io.cloudterm.io;

import static io.cloudterm.io.RelayKit.HOST_LOST;
import static io.cloudterm.io.RelayKit.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.platform.Platform;
import io.cloudterm.pty.NativeMode;
import io.cloudterm.testkit.NativeLoopback;
import java.io.IOException;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each relay between a browser and a CloudTerm host on real loopback connections: the copying and
 * the splicing one on sockets the native layer adopted, and the one over streams (TLS, pure Java)
 * on the JDK's sockets. Every byte arrives once and in order while readers stall, ends are passed
 * on, and a host that goes away is told to the browser as a Close frame between frames, never
 * inside one.
 */
@Timeout(60)
class RelayTest {

    private static final int FLOOD = 24 << 20;
    private static final int SMALL_BUFFER = 32 * 1024;

    private static NativeLoopback loopback;
    private static Platform platform;
    private static RawSockets sockets;
    private static ServerSocketChannel listener;
    private static final BufferPool BUFFERS = new BufferPool(64 * 1024, 16);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** Starts a relay between the gateway's ends of two connections, given the bytes read ahead. */
    @FunctionalInterface
    interface Relaying {
        CompletableFuture<Relay.Relayed> start(SocketChannel client, byte[] fromClient, SocketChannel host, byte[] fromHost)
                throws Exception;
    }

    @BeforeAll
    static void start() throws IOException {
        loopback = NativeLoopback.open();
        platform = loopback.platform();
        sockets = loopback.sockets();
        listener = loopback.listener();
    }

    @AfterAll
    static void stop() throws IOException {
        if (loopback != null) {
            loopback.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    static Stream<Arguments> relays() {
        List<Arguments> relays = new ArrayList<>();
        relays.add(Arguments.of("copying", (Relaying) (client, fromClient, host, fromHost) ->
                adopted(new CopyRelay(BUFFERS), client, fromClient, host, fromHost)));
        relays.add(Arguments.of("splicing", (Relaying) (client, fromClient, host, fromHost) ->
                adopted(platform.splicing().orElseThrow(), client, fromClient, host, fromHost)));
        relays.add(Arguments.of("streams", (Relaying) RelayTest::overStreams));
        return relays.stream();
    }

    static Stream<Arguments> pollingRelays() {
        return relays().filter(arguments -> !arguments.get()[0].equals("streams"));
    }

    /** As the gateway does it: the sockets' fds adopted by the native layer, the JDK's channels closed. */
    private static CompletableFuture<Relay.Relayed> adopted(Relay relay, SocketChannel client, byte[] fromClient,
                                                            SocketChannel host, byte[] fromHost) throws Exception {
        RawSocket clientSocket = sockets.adopt(RelayKit.fdOf(client));
        RawSocket hostSocket = sockets.adopt(RelayKit.fdOf(host));
        client.close();
        host.close();
        return relay.start(clientSocket, ByteBuffer.wrap(fromClient), hostSocket, ByteBuffer.wrap(fromHost),
                ByteBuffer.wrap(HOST_LOST));
    }

    private static CompletableFuture<Relay.Relayed> overStreams(SocketChannel client, byte[] fromClient,
                                                                SocketChannel host, byte[] fromHost) throws IOException {
        Socket clientSocket = client.socket();
        Socket hostSocket = host.socket();
        return StreamRelay.start(clientSocket.getInputStream(), clientSocket.getOutputStream(), clientSocket,
                ByteBuffer.wrap(fromClient), hostSocket.getInputStream(), hostSocket.getOutputStream(), hostSocket,
                ByteBuffer.wrap(fromHost), ByteBuffer.wrap(HOST_LOST));
    }

    /** The browser, the CloudTerm host, and the relay between them. */
    private record Ends(Socket browser, Socket host, CompletableFuture<Relay.Relayed> outcome) {
        Relay.Relayed relayed() throws Exception {
            return outcome.get(30, TimeUnit.SECONDS);
        }
    }

    private Ends relay(Relaying relaying, byte[] fromClient, byte[] fromHost) throws Exception {
        Socket browser = connect();
        SocketChannel gatewayClient = listener.accept();
        Socket host = connect();
        SocketChannel gatewayHost = listener.accept();
        toClose.add(gatewayClient);
        toClose.add(gatewayHost);
        // Small socket buffers on the gateway's side: a reader's stall soon leaves the relay's writer waiting.
        gatewayClient.setOption(StandardSocketOptions.SO_SNDBUF, SMALL_BUFFER);
        gatewayHost.setOption(StandardSocketOptions.SO_SNDBUF, SMALL_BUFFER);
        return new Ends(browser, host, relaying.start(gatewayClient, fromClient, gatewayHost, fromHost));
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        toClose.add(socket);
        socket.setReceiveBufferSize(SMALL_BUFFER);
        socket.connect(listener.getLocalAddress());
        socket.setSoTimeout(20_000);
        return socket;
    }

    // ---- the stories ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("relays")
    void floodsBothWaysAtOnceArriveWholeWhileReadersStall(String name, Relaying relaying) throws Exception {
        byte[] readAheadFromClient = "GET-ahead".getBytes(StandardCharsets.US_ASCII);
        byte[] readAheadFromHost = frame(0x1, "hello".getBytes(StandardCharsets.US_ASCII));
        Ends ends = relay(relaying, readAheadFromClient, readAheadFromHost);

        CompletableFuture<RelayKit.Digest> hostSent = RelayKit.async(() -> RelayKit.sendFrames(ends.host(), FLOOD, 1, readAheadFromHost));
        CompletableFuture<RelayKit.Digest> browserSent = RelayKit.async(() -> RelayKit.sendBytes(ends.browser(), FLOOD, 2, readAheadFromClient));
        CompletableFuture<RelayKit.Digest> browserGot = RelayKit.async(() -> RelayKit.readStalling(ends.browser()));
        CompletableFuture<RelayKit.Digest> hostGot = RelayKit.async(() -> RelayKit.readStalling(ends.host()));

        assertEquals(hostSent.get(30, TimeUnit.SECONDS), browserGot.get(30, TimeUnit.SECONDS),
                "the browser got what the host sent, ending with its Close frame, and nothing else");
        assertEquals(browserSent.get(30, TimeUnit.SECONDS), hostGot.get(30, TimeUnit.SECONDS),
                "the host got what the browser sent");
        Relay.Relayed relayed = ends.relayed();
        assertFalse(relayed.hostLost(), relayed.why());
        assertEquals(hostGot.get().bytes(), relayed.clientToHost());
        assertEquals(browserGot.get().bytes(), relayed.hostToClient());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("relays")
    void theBrowsersEndReachesTheHostWhichMayStillAnswer(String name, Relaying relaying) throws Exception {
        Ends ends = relay(relaying, new byte[0], new byte[0]);
        ends.browser().getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
        ends.browser().shutdownOutput();
        assertEquals("bye", new String(ends.host().getInputStream().readAllBytes(), StandardCharsets.US_ASCII),
                "the host read the browser's last bytes, then the end");

        byte[] answer = frame(0x1, "still here".getBytes(StandardCharsets.US_ASCII));
        byte[] close = frame(0x8, new byte[] {0x03, (byte) 0xe8});
        ends.host().getOutputStream().write(answer);
        ends.host().getOutputStream().write(close);
        ends.host().close();
        assertArrayEquals(RelayKit.concat(answer, close), ends.browser().getInputStream().readAllBytes());
        Relay.Relayed relayed = ends.relayed();
        assertFalse(relayed.hostLost(), relayed.why());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("relays")
    void theHostsCloseAndEndReachTheBrowserWhichMayStillAnswer(String name, Relaying relaying) throws Exception {
        Ends ends = relay(relaying, new byte[0], new byte[0]);
        byte[] close = frame(0x8, new byte[] {0x03, (byte) 0xe8});
        ends.host().getOutputStream().write(close);
        ends.host().shutdownOutput();
        assertArrayEquals(close, ends.browser().getInputStream().readAllBytes(), "the Close frame, then the end");

        ends.browser().getOutputStream().write(frame(0x8, new byte[0]));
        ends.browser().close();
        assertArrayEquals(frame(0x8, new byte[0]), ends.host().getInputStream().readAllBytes());
        Relay.Relayed relayed = ends.relayed();
        assertFalse(relayed.hostLost(), relayed.why());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pollingRelays")
    void anIdleRelayHoldsNoThread(String name, Relaying relaying) throws Exception {
        Ends ends = relay(relaying, new byte[0], new byte[0]);
        for (int round = 0; round < 2; round++) {
            ends.browser().getOutputStream().write("key".getBytes(StandardCharsets.US_ASCII));
            assertEquals("key", new String(ends.host().getInputStream().readNBytes(3), StandardCharsets.US_ASCII));
            byte[] output = frame(0x2, ("output " + round).getBytes(StandardCharsets.US_ASCII));
            ends.host().getOutputStream().write(output);
            assertArrayEquals(output, ends.browser().getInputStream().readNBytes(output.length));

            RelayKit.awaitNoRelayThread(); // and yet the next round is relayed: the poller starts one
        }
        ends.host().getOutputStream().write(frame(0x8, new byte[0]));
        ends.host().close();
        ends.browser().close();
        assertFalse(ends.relayed().hostLost());
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"copying", "splicing"})
    void aRelayWhosePlatformClosesEndsInsteadOfSpinning(String name) throws Exception {
        Platform own = Platform.select(NativeMode.ON);
        Relay relay = name.equals("copying") ? new CopyRelay(BUFFERS) : own.splicing().orElseThrow();
        Socket browser = connect();
        SocketChannel gatewayClient = listener.accept();
        Socket host = connect();
        SocketChannel gatewayHost = listener.accept();
        toClose.add(gatewayClient);
        toClose.add(gatewayHost);
        RawSocket client = own.rawSockets().orElseThrow().adopt(RelayKit.fdOf(gatewayClient));
        RawSocket upstream = own.rawSockets().orElseThrow().adopt(RelayKit.fdOf(gatewayHost));
        gatewayClient.close();
        gatewayHost.close();
        CompletableFuture<Relay.Relayed> outcome = relay.start(client, ByteBuffer.allocate(0), upstream, ByteBuffer.allocate(0),
                ByteBuffer.wrap(HOST_LOST));
        browser.getOutputStream().write('k');
        assertEquals('k', host.getInputStream().read());
        RelayKit.awaitNoRelayThread(); // idle: both directions wait on the poller

        own.close(); // nothing waits for the sockets any more
        Relay.Relayed relayed = outcome.get(30, TimeUnit.SECONDS);
        assertTrue(relayed.why().contains("native platform was closed"), relayed.why());
        assertEquals(-1, browser.getInputStream().read(), "the browser's connection was closed");
        assertEquals(-1, host.getInputStream().read(), "the host's too");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("relays")
    void aHostThatEndsBetweenFramesLeavesTheBrowserTheHostLostFrameThenTheEnd(String name, Relaying relaying) throws Exception {
        Ends ends = relay(relaying, new byte[0], new byte[0]);
        byte[] output = frame(0x2, new byte[300]);
        ends.host().getOutputStream().write(output);
        ends.host().close();

        assertArrayEquals(RelayKit.concat(output, HOST_LOST), ends.browser().getInputStream().readAllBytes());
        Relay.Relayed relayed = ends.relayed();
        assertTrue(relayed.hostLost());
        assertTrue(relayed.why().contains("the client got the host-lost Close frame"), relayed.why());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("relays")
    void aFrameHeaderCutByTheUpgradesReadAheadIsFollowedToItsEnd(String name, Relaying relaying) throws Exception {
        byte[] output = frame(0x2, new byte[300]); // a 4-byte header: 126 and two length bytes
        byte[] readAhead = java.util.Arrays.copyOf(output, 3);
        Ends ends = relay(relaying, new byte[0], readAhead);
        ends.host().getOutputStream().write(java.util.Arrays.copyOfRange(output, 3, output.length));
        ends.host().close();

        assertArrayEquals(RelayKit.concat(output, HOST_LOST), ends.browser().getInputStream().readAllBytes(),
                "the frame, whole, then the host-lost Close frame at its end");
        assertTrue(ends.relayed().hostLost());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("relays")
    void aHostThatResetsBetweenFramesLeavesTheBrowserTheHostLostFrameToo(String name, Relaying relaying) throws Exception {
        Ends ends = relay(relaying, new byte[0], new byte[0]);
        byte[] output = frame(0x1, "last words".getBytes(StandardCharsets.US_ASCII));
        ends.host().getOutputStream().write(output);
        assertArrayEquals(output, ends.browser().getInputStream().readNBytes(output.length));
        ends.host().setSoLinger(true, 0);
        ends.host().close(); // a reset

        assertArrayEquals(HOST_LOST, ends.browser().getInputStream().readAllBytes());
        Relay.Relayed relayed = ends.relayed();
        assertTrue(relayed.hostLost());
        assertTrue(relayed.why().contains("failed"), relayed.why());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("relays")
    void aHostThatEndsInsideAFrameClosesTheBrowserWithoutTheHostLostFrame(String name, Relaying relaying) throws Exception {
        Ends ends = relay(relaying, new byte[0], new byte[0]);
        byte[] frame = frame(0x2, new byte[100]);
        byte[] cutShort = java.util.Arrays.copyOf(frame, 2 + 10);
        ends.host().getOutputStream().write(cutShort);
        ends.host().close();

        assertArrayEquals(cutShort, ends.browser().getInputStream().readAllBytes(), "no Close frame inside a frame");
        Relay.Relayed relayed = ends.relayed();
        assertTrue(relayed.hostLost());
        assertTrue(relayed.why().contains("in the middle of a frame"), relayed.why());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("relays")
    void aBrowserThatResetsEndsBothSides(String name, Relaying relaying) throws Exception {
        Ends ends = relay(relaying, new byte[0], new byte[0]);
        ends.browser().getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
        assertEquals('x', ends.host().getInputStream().read());
        ends.browser().setSoLinger(true, 0);
        ends.browser().close();

        assertEquals(-1, ends.host().getInputStream().read(), "the host's connection was closed");
        Relay.Relayed relayed = ends.relayed();
        assertFalse(relayed.hostLost());
        assertTrue(relayed.why().contains("client"), relayed.why());
    }
}
