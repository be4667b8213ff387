package io.cloudterm.nativeio;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cloudterm.io.RawSocket;
import io.cloudterm.io.RawSockets;
import io.cloudterm.platform.Platform;
import io.cloudterm.testkit.NativeLoopback;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Adopted sockets on real loopback connections: the owner's close (the JDK's, as Helidon's) leaves
 * the connection to us, our close delivers every byte and then an orderly end, and reading,
 * gathering writes, waiting and closing behave as {@link RawSocket} says, without a leaked fd.
 */
@Timeout(60)
class NativeRawSocketTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int PEER_PATIENCE_MILLIS = 10_000;

    private static NativeLoopback loopback;
    private static Platform platform;
    private static RawSockets sockets;
    private static ServerSocketChannel listener;

    /** Closed after each test, in reverse order. */
    private final List<AutoCloseable> toClose = new ArrayList<>();

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

    // ---- taking over from the owner ----

    @Test
    void theOwnersCloseLeavesTheConnectionOpen() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
            Socket peer = peer(server.getLocalSocketAddress());
            Socket owner = server.accept();
            RawSocket socket = adopt(fdOf(owner));
            owner.close(); // what Helidon's thread does when it returns: NioSocketImpl.close()

            peer.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> peer.getInputStream().read(),
                    "the peer sees no end of stream: the owner's close did not shut our output down");
            peer.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping", readString(socket, 4));
            writeAll(socket, ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)));
            peer.setSoTimeout(PEER_PATIENCE_MILLIS);
            assertEquals("pong", new String(peer.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void theOwnerChannelsCloseLeavesTheConnectionOpenToo() throws Exception {
        Socket peer = peer(listener.getLocalAddress());
        SocketChannel owner = listener.accept();
        RawSocket socket = adopt(fdOf(owner));
        owner.close(); // SocketChannelImpl shuts the output down on close too, unless linger is 0

        writeAll(socket, ByteBuffer.wrap("still here".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("still here", new String(peer.getInputStream().readNBytes(10), StandardCharsets.US_ASCII));
        peer.getOutputStream().write('!');
        assertEquals("!", readString(socket, 1));
    }

    @Test
    void closeDeliversEverythingWrittenThenTheEnd() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
            Socket peer = peer(server.getLocalSocketAddress());
            Socket owner = server.accept();
            RawSocket socket = adopt(fdOf(owner));
            owner.close();

            long written = fillUntilFull(socket); // megabytes in the socket buffers, nobody reading yet
            assertTrue(written > 64 * 1024, "the buffers took " + written + " bytes");
            socket.close(); // at once: a reset now would throw away what is still in flight

            // The peer gets every byte and then an orderly end; "Connection reset" would throw here.
            assertEquals(written, readPattern(peer.getInputStream(), 0));
        }
    }

    @Test
    void adoptingAndClosingLeaksNoFd() throws Exception {
        Connection connection = connect();
        int fd = fdOf(connection.owner());
        long before = openFds();
        for (int i = 0; i < 200; i++) {
            RawSocket socket = sockets.adopt(fd);
            socket.onReadable(() -> { }); // armed in epoll, so close() also has it removed
            socket.close();
        }
        assertEquals(before, openFds(), "fds open before and after 200 adoptions");

        // The owner's socket is as it was: linger off again, and the connection works.
        assertEquals(-1, connection.owner().getOption(StandardSocketOptions.SO_LINGER));
        connection.peer().getOutputStream().write('x');
        assertEquals(1, connection.owner().read(ByteBuffer.allocate(1)));
    }

    @Test
    void adoptingSomethingThatIsNotASocketFails() throws Exception {
        Pipe pipe = Pipe.open();
        toClose.add(pipe.source());
        toClose.add(pipe.sink());
        long before = openFds();
        IOException e = assertThrows(IOException.class, () -> sockets.adopt(fdOf(pipe.source())));
        assertTrue(e.getMessage().contains("SO_LINGER"), e.getMessage());
        assertEquals(before, openFds(), "the duplicate was closed again");
    }

    // ---- reading ----

    @Test
    void readFindsNothingUntilThePeerWritesAndOnReadableSaysWhen() throws Exception {
        Connection connection = connect();
        RawSocket socket = takeOver(connection);
        ByteBuffer heap = ByteBuffer.allocate(16);
        assertEquals(0, socket.read(heap));

        CountDownLatch readable = new CountDownLatch(1);
        socket.onReadable(readable::countDown);
        assertFalse(readable.await(100, TimeUnit.MILLISECONDS), "no action before there is something to read");
        connection.peer().getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        assertTrue(readable.await(5, TimeUnit.SECONDS), "the action ran when the peer wrote");

        assertEquals(5, socket.read(heap));
        assertEquals("hello", new String(heap.array(), 0, heap.position(), StandardCharsets.US_ASCII));
        assertEquals(0, socket.read(heap));
    }

    @Test
    void readFindsTheEndAfterThePeerCloses() throws Exception {
        Connection connection = connect();
        RawSocket socket = takeOver(connection);
        connection.peer().getOutputStream().write('z');
        connection.peer().close();

        assertEquals("z", readString(socket, 1));
        awaitReadable(socket);
        assertEquals(-1, socket.read(ByteBuffer.allocateDirect(8)));
    }

    @Test
    void readingAfterThePeerResetFails() throws Exception {
        Connection connection = connect();
        RawSocket socket = takeOver(connection);
        reset(connection.peer());

        awaitReadable(socket);
        IOException e = assertThrows(IOException.class, () -> socket.read(ByteBuffer.allocateDirect(8)));
        assertTrue(e.getMessage().contains("reset"), e.getMessage());
    }

    // ---- writing ----

    @Test
    void aFloodWaitsForThePeerAndArrivesWholeAndInOrder() throws Exception {
        Connection connection = connect();
        RawSocket socket = takeOver(connection);
        int size = 8 << 20;
        ByteBuffer big = pattern(ByteBuffer.allocateDirect(size), 0);

        long first = socket.write(new ByteBuffer[] {big}, 0, 1);
        assertTrue(first > 0 && first < size, "a non-blocking write takes what fits: " + first + " of " + size);
        assertEquals(first, big.position());

        // Then the rest, and as much again gathered from three direct buffers and a heap one,
        // by a writer parked on the poller whenever the peer falls behind.
        AtomicInteger waits = new AtomicInteger();
        CompletableFuture<Void> writer = new CompletableFuture<>();
        Thread writing = Thread.ofVirtual().start(() -> {
            try {
                writeAll(socket, waits, big);
                ByteBuffer[] gather = {ByteBuffer.allocateDirect(32 * 1024), ByteBuffer.allocateDirect(16 * 1024),
                        ByteBuffer.allocate(50 * 1024), ByteBuffer.allocateDirect(8 * 1024)};
                long sent = size;
                while (sent < 2L * size) {
                    for (ByteBuffer buffer : gather) {
                        buffer.clear();
                        buffer.limit((int) Math.min(buffer.capacity(), 2L * size - sent));
                        pattern(buffer, sent);
                        sent += buffer.remaining();
                    }
                    writeAll(socket, waits, gather);
                }
                socket.close();
                writer.complete(null);
            } catch (Throwable e) {
                writer.completeExceptionally(e);
                socket.close(); // so that the peer's read ends too
            }
        });
        awaitParked(writing);
        assertTrue(waits.get() > 0, "the writer waits while the peer reads nothing");

        long read = readPattern(connection.peer().getInputStream(), 0);
        writer.get(10, TimeUnit.SECONDS);
        assertEquals(2L * size, read);
    }

    @Test
    void writingAfterThePeerResetFails() throws Exception {
        Connection connection = connect();
        RawSocket socket = takeOver(connection);
        reset(connection.peer());

        awaitReadable(socket); // the reset has arrived
        assertThrows(IOException.class, () -> socket.write(new ByteBuffer[] {ByteBuffer.allocate(100)}, 0, 1));
    }

    @Test
    void writingToAPeerThatClosedFailsWithoutCrashingTheJvm() throws Exception {
        Connection connection = connect();
        RawSocket socket = takeOver(connection);
        connection.peer().close();

        // The first write still goes out and draws a reset; the next ones raise SIGPIPE in the
        // kernel, which HotSpot ignores, so writev just fails with EPIPE.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        IOException failure = null;
        while (failure == null && System.nanoTime() < deadline) {
            try {
                socket.write(new ByteBuffer[] {ByteBuffer.allocateDirect(1024)}, 0, 1);
                Thread.sleep(10);
            } catch (IOException e) {
                failure = e;
            }
        }
        assertInstanceOf(IOException.class, failure, "writes to a closed peer end in an IOException");
    }

    @Test
    void shutdownOutputEndsThePeersStreamButNotOurs() throws Exception {
        Connection connection = connect();
        RawSocket socket = takeOver(connection);
        writeAll(socket, ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII)));
        socket.shutdownOutput();

        assertArrayEquals("bye".getBytes(StandardCharsets.US_ASCII), connection.peer().getInputStream().readAllBytes());
        connection.peer().getOutputStream().write("but I'm here".getBytes(StandardCharsets.US_ASCII));
        assertEquals("but I'm here", readString(socket, 12));
    }

    // ---- closing ----

    @Test
    void closeWakesAWriterParkedInAwaitWritable() throws Exception {
        Connection connection = connect();
        RawSocket socket = takeOver(connection);
        fillUntilFull(socket);
        CompletableFuture<Throwable> woken = new CompletableFuture<>();
        Thread waiting = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    socket.awaitWritable(); // only a close ends it: the peer never reads
                }
            } catch (Throwable e) {
                woken.complete(e);
            }
        });
        awaitParked(waiting);

        socket.close();
        Throwable e = woken.get(5, TimeUnit.SECONDS);
        assertInstanceOf(IOException.class, e);
        assertEquals("socket closed", e.getMessage());
    }

    @Test
    void closeRunsTheWaitingReadAction() throws Exception {
        Connection connection = connect();
        RawSocket socket = takeOver(connection);
        CountDownLatch ran = new CountDownLatch(1);
        socket.onReadable(ran::countDown);
        assertFalse(ran.await(100, TimeUnit.MILLISECONDS));

        socket.close();
        assertTrue(ran.await(5, TimeUnit.SECONDS), "the action ran, to find the socket closed");
        assertThrows(IOException.class, () -> socket.read(ByteBuffer.allocate(1)));
    }

    @Test
    void aClosedSocketSaysSoToEveryCall() throws Exception {
        Connection connection = connect();
        RawSocket socket = takeOver(connection);
        socket.close();
        socket.close(); // a second close does nothing

        assertTrue(socket.closed());
        assertEquals("socket closed", assertThrows(IOException.class, () -> socket.read(ByteBuffer.allocate(1))).getMessage());
        assertThrows(IOException.class, () -> socket.write(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0, 1));
        assertThrows(IOException.class, socket::awaitWritable);
        socket.shutdownOutput(); // nothing to shut, no exception
        CountDownLatch ran = new CountDownLatch(1);
        socket.onReadable(ran::countDown);
        assertEquals(0, ran.getCount(), "an action given after close runs at once");
    }

    @Test
    void aStoppedPlatformLeavesSocketsReadableButNoLongerWaitedFor() throws Exception {
        Connection connection = connect();
        Platform other = new NativePlatformLoader().create();
        RawSocket socket;
        try {
            socket = other.rawSockets().orElseThrow().adopt(fdOf(connection.owner()));
            toClose.add(socket::close);
        } finally {
            other.close();
        }
        CountDownLatch ran = new CountDownLatch(1);
        socket.onReadable(ran::countDown);
        assertEquals(0, ran.getCount(), "nothing would ever wake the action: it runs at once");
        assertThrows(IOException.class, socket::awaitWritable);
        assertEquals(0, socket.read(ByteBuffer.allocate(1)), "the fd itself still works");
        assertThrows(IOException.class, () -> other.rawSockets().orElseThrow().adopt(fdOf(connection.owner())));
    }

    // ---- connections ----

    /** A loopback connection: the end someone else accepted (as Helidon does) and the client. */
    private record Connection(SocketChannel owner, Socket peer) {
    }

    private Connection connect() throws IOException {
        Socket peer = peer(listener.getLocalAddress());
        SocketChannel owner = listener.accept();
        toClose.add(owner);
        return new Connection(owner, peer);
    }

    private Socket peer(SocketAddress address) throws IOException {
        Socket peer = new Socket();
        toClose.add(peer);
        peer.connect(address);
        peer.setSoTimeout(PEER_PATIENCE_MILLIS);
        return peer;
    }

    /** Adopts the owner's socket and closes the owner's channel, as the web layer and Helidon do. */
    private RawSocket takeOver(Connection connection) throws Exception {
        RawSocket socket = adopt(fdOf(connection.owner()));
        connection.owner().close();
        return socket;
    }

    private RawSocket adopt(int fd) throws IOException {
        RawSocket socket = sockets.adopt(fd);
        toClose.add(socket::close);
        return socket;
    }

    /** An abortive close: SO_LINGER 0 makes the kernel send a reset. */
    private static void reset(Socket peer) throws IOException {
        peer.setSoLinger(true, 0);
        peer.close();
    }

    /** The fd of a JDK channel (compiled with --release, so sun.nio.ch is reached by reflection). */
    private static int fdOf(Channel channel) throws ReflectiveOperationException {
        return (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(channel);
    }

    /** The fd of a java.net.Socket, as the web layer finds Helidon's: Socket.impl.fd.fd. */
    private static int fdOf(Socket socket) throws ReflectiveOperationException {
        Field impl = Socket.class.getDeclaredField("impl");
        impl.setAccessible(true);
        Field fd = SocketImpl.class.getDeclaredField("fd");
        fd.setAccessible(true);
        Field number = FileDescriptor.class.getDeclaredField("fd");
        number.setAccessible(true);
        return number.getInt(fd.get(impl.get(socket)));
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    // ---- reading and writing as the web layer would ----

    private static void awaitReadable(RawSocket socket) throws InterruptedException {
        CountDownLatch readable = new CountDownLatch(1);
        socket.onReadable(readable::countDown);
        assertTrue(readable.await(5, TimeUnit.SECONDS), "the socket became readable");
    }

    private static String readString(RawSocket socket, int length) throws Exception {
        ByteBuffer dst = ByteBuffer.allocateDirect(length);
        while (dst.hasRemaining()) {
            int n = socket.read(dst);
            if (n < 0) {
                fail("the stream ended after " + dst.position() + " bytes");
            }
            if (n == 0) {
                awaitReadable(socket);
            }
        }
        byte[] bytes = new byte[length];
        dst.flip().get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static void writeAll(RawSocket socket, ByteBuffer... srcs) throws IOException {
        writeAll(socket, new AtomicInteger(), srcs);
    }

    private static void writeAll(RawSocket socket, AtomicInteger waits, ByteBuffer... srcs) throws IOException {
        while (Stream.of(srcs).anyMatch(ByteBuffer::hasRemaining)) {
            if (socket.write(srcs, 0, srcs.length) == 0) {
                waits.incrementAndGet();
                socket.awaitWritable();
            }
        }
    }

    /** Writes the pattern until the socket takes no more; returns how much it took. */
    private static long fillUntilFull(RawSocket socket) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
        long total = 0;
        while (true) {
            pattern(chunk.clear(), total);
            long n = socket.write(new ByteBuffer[] {chunk}, 0, 1);
            if (n == 0) {
                return total;
            }
            total += n;
        }
    }

    /** Byte i of a stream is i mod 251: a prime, so a misplaced buffer of any usual size shows. */
    private static ByteBuffer pattern(ByteBuffer buffer, long from) {
        int start = buffer.position();
        for (int i = start; i < buffer.limit(); i++) {
            buffer.put(i, (byte) ((from + i - start) % 251));
        }
        return buffer;
    }

    /** Reads to the end, checking every byte against the pattern; returns the count. */
    private static long readPattern(InputStream in, long from) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long count = 0;
        for (int n; (n = in.read(chunk)) >= 0; ) {
            for (int i = 0; i < n; i++) {
                if (chunk[i] != (byte) ((from + count + i) % 251)) {
                    fail("byte " + (count + i) + " is out of order");
                }
            }
            count += n;
        }
        return count;
    }

    private static void awaitParked(Thread thread) {
        await().atMost(java.time.Duration.ofSeconds(5)).pollInterval(java.time.Duration.ofMillis(5))
                .untilAsserted(() -> assertEquals(Thread.State.WAITING, thread.getState(), "the thread parks"));
    }
}
