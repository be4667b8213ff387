package io.cloudterm.nativeio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.io.BufferPool;
import io.cloudterm.io.CopyRelay;
import io.cloudterm.io.RawSocket;
import io.cloudterm.io.RawSockets;
import io.cloudterm.io.Relay;
import io.cloudterm.io.RelayKit;
import io.cloudterm.platform.Platform;
import io.cloudterm.testkit.NativeLoopback;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The splicing relay's pipes: reused from burst to burst and connection to connection, none left open, none reused dirty. */
@Timeout(60)
class PipePoolTest {

    private static final int IDLE = 4;

    private static NativeLoopback loopback;
    private static Platform platform;
    private static RawSockets sockets;
    private static ServerSocketChannel listener;

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

    @Test
    void manyConnectionsReuseAFewPipesAndLeaveNoFdOpen() throws Exception {
        try (PipePool warmUp = new PipePool(IDLE)) { // whatever the JDK opens once for its first sockets is open before
            relayOnce(new SpliceRelay(warmUp, new CopyRelay(new BufferPool(1024, 1))), RelayKit.frame(0x1, new byte[10]));
        }
        long before = openFds();
        PipePool pipes = new PipePool(IDLE);
        SpliceRelay relay = new SpliceRelay(pipes, new CopyRelay(new BufferPool(1024, 1)));
        Random random = new Random(7);
        for (int i = 0; i < 30; i++) {
            byte[] output = new byte[50_000 + random.nextInt(200_000)];
            random.nextBytes(output);
            relayOnce(relay, RelayKit.frame(0x2, output));
        }
        assertTrue(pipes.made() <= IDLE, "30 connections, each with bursts both ways, made " + pipes.made() + " pipes");
        assertTrue(openFds() <= before + 2L * IDLE, "at most the idle pipes stay open");

        pipes.close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(before, openFds(), "fds open before and after"));
    }

    @Test
    void aPipeGivenBackWithBytesInItIsClosedNotReused() throws Exception {
        try (PipePool pipes = new PipePool(IDLE)) {
            PipePool.Pipe dirty = pipes.take();
            putAByteIn(dirty);
            pipes.giveBack(dirty, false);
            assertFalse(isOpen(dirty.readEnd()) && isOpen(dirty.writeEnd()), "the dirty pipe was closed");

            PipePool.Pipe clean = pipes.take();
            assertEquals(2, pipes.made(), "a new pipe, not the dirty one");
            pipes.giveBack(clean, true);
            assertEquals(clean, pipes.take(), "an empty pipe given back is the next one taken");
            assertEquals(2, pipes.made());
            pipes.giveBack(clean, true);
        }
    }

    @Test
    void theIdlePipesAreBounded() throws Exception {
        long before = openFds();
        try (PipePool pipes = new PipePool(IDLE)) {
            PipePool.Pipe[] taken = new PipePool.Pipe[IDLE * 3];
            for (int i = 0; i < taken.length; i++) {
                taken[i] = pipes.take();
            }
            for (PipePool.Pipe pipe : taken) {
                pipes.giveBack(pipe, true);
            }
            assertEquals(before + 2L * IDLE, openFds(), "only " + IDLE + " idle pipes are kept");
            assertNotEquals(0, pipes.made());
        }
        assertEquals(before, openFds());
    }

    /** One connection: the host sends {@code frame} and a Close, the browser a little; both end. */
    private static void relayOnce(Relay relay, byte[] frame) throws Exception {
        try (Socket browser = new Socket(); Socket host = new Socket()) {
            browser.connect(listener.getLocalAddress());
            RawSocket client = adopt(listener.accept());
            host.connect(listener.getLocalAddress());
            RawSocket upstream = adopt(listener.accept());
            browser.setSoTimeout(20_000);
            host.setSoTimeout(20_000);
            CompletableFuture<Relay.Relayed> outcome = relay.start(client, ByteBuffer.allocate(0), upstream, ByteBuffer.allocate(0),
                    ByteBuffer.wrap(RelayKit.HOST_LOST));

            byte[] close = RelayKit.frame(0x8, new byte[0]);
            host.getOutputStream().write(frame);
            host.getOutputStream().write(close);
            host.shutdownOutput();
            browser.getOutputStream().write(close);
            browser.shutdownOutput();
            assertArrayEquals(RelayKit.concat(frame, close), browser.getInputStream().readAllBytes());
            assertArrayEquals(close, host.getInputStream().readAllBytes());
            assertFalse(outcome.get(10, TimeUnit.SECONDS).hostLost());
        }
    }

    private static RawSocket adopt(SocketChannel channel) throws Exception {
        try (channel) {
            return sockets.adopt(RelayKit.fdOf(channel));
        }
    }

    private static void putAByteIn(PipePool.Pipe pipe) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            assertEquals(1, Libc.write(callState, pipe.writeEnd(), arena.allocateFrom("x"), 1));
        }
    }

    private static boolean isOpen(int fd) {
        return Files.exists(Path.of("/proc/self/fd/" + fd));
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
