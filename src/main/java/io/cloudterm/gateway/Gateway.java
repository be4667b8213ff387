package io.cloudterm.gateway;

import io.cloudterm.auth.GatewayIdentity;
import io.cloudterm.auth.IdentitySigner;
import io.cloudterm.client.Dial;
import io.cloudterm.client.UpgradeRefusedException;
import io.cloudterm.io.RawSocket;
import io.cloudterm.io.RawSockets;
import io.cloudterm.io.Relay;
import io.cloudterm.io.SocketFd;
import io.cloudterm.io.StreamRelay;
import io.cloudterm.protocol.CloseCodes;
import io.cloudterm.websocket.ClientFrames;
import io.cloudterm.websocket.Handover;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Relays each terminal WebSocket to its host: picks the host (the one a handle names, or the
 * placement's order for a new terminal), makes the upgrade there with the user's signed identity,
 * and then moves the bytes both ways unread. A host that cannot be reached gets the next in
 * the order; when none can, or the host goes away later, the client gets a close that names it.
 * Holds no terminal state: any replica relays any handle.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Gateway.class.getName());
    /** The host's terminal path: hosts are CloudTerm servers on their own, at the root. */
    private static final String HOST_PATH = "/ws";
    private static final String SUBPROTOCOL = "tty";
    /** How long a refused client has to hang up after our close frame, and how much it may still send meanwhile. */
    private static final Duration PARTING = Duration.ofSeconds(5);
    private static final long MAX_PARTING_BYTES = 1 << 20;

    private final HostDirectory hosts;
    private final Placement placement;
    private final IdentitySigner signer;
    private final Optional<RawSockets> sockets;
    private final Relay relay;
    private final Duration dialTimeout;
    private final Duration hostSilence;
    private final Optional<HostLoads> loads;
    private final HostCalls calls;
    /** Terminals this gateway relays now, per host: what least-loaded placement reads. */
    private final Map<HostAddress, AtomicInteger> relayed = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong relayedBytes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong hostsLost = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong unreached = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param sockets the native layer's sockets, to adopt the host's socket where the client's was
     *     taken over; {@code relay} then moves the bytes (splice or copy)
     */
    public Gateway(HostDirectory hosts, Placement placement, IdentitySigner signer, Optional<RawSockets> sockets, Relay relay,
                   Timing timing) {
        this.hosts = hosts;
        this.placement = placement;
        this.signer = signer;
        this.sockets = sockets;
        this.relay = relay;
        this.dialTimeout = timing.dial();
        this.hostSilence = timing.hostSilence();
        this.calls = new HostCalls(signer, timing.dial());
        this.loads = timing.loadReadings().map(period -> new HostLoads(hosts, calls, period));
    }

    /**
     * How long a host has to answer the upgrade; how long a relayed host may stay silent before
     * TCP keep-alive probes ask whether it is still there (the ping interval: a host that died
     * without a word is noticed about then); how often hosts are asked for their terminal
     * counts, if placement reads them.
     */
    public record Timing(Duration dial, Duration hostSilence, Optional<Duration> loadReadings) {
    }

    /**
     * What takes {@code user}'s connection after the 101: {@code query} is the client's raw query
     * (passed on to the host), {@code handle} the terminal it asks for, if any.
     */
    public Handover handover(String user, String query, Optional<String> handle) {
        return new Handover() {
            @Override
            public void socket(RawSocket client, ByteBuffer readAhead) {
                Thread.ofVirtual().name("gateway-dial").start(() -> relayNative(user, query, handle, client, readAhead));
            }

            @Override
            public void stream(InputStream in, OutputStream out, Closeable connection, ByteBuffer readAhead) {
                relayStreams(user, query, handle, in, out, connection, readAhead);
            }
        };
    }

    /** Terminals relayed now through this gateway. */
    public int openRelays() {
        return open.get();
    }

    /** Bytes relayed, both ways, by connections that have ended. */
    public long relayedBytes() {
        return relayedBytes.get();
    }

    /** Relayed connections that ended because their host went away. */
    public long hostsLost() {
        return hostsLost.get();
    }

    /** Terminals no host could be reached for. */
    public long unreached() {
        return unreached.get();
    }

    /** The hosts known now. */
    public List<HostAddress> hosts() {
        return hosts.current();
    }

    /** The host a handle names, if it is among the hosts known now: no call goes anywhere else. */
    public Optional<HostAddress> hostOf(String handle) {
        return HostHandles.host(handle).flatMap(name -> hosts.current().stream().filter(h -> h.toString().equals(name)).findFirst());
    }

    /** The hosts in the order to try for {@code user}'s new terminal. */
    public List<HostAddress> placementOf(String user) {
        List<HostAddress> known = hosts.current();
        return known.isEmpty() ? known : placement.order(user, known, this::terminalsOn);
    }

    /** The terminals on {@code host}: as it reports them where they are read, else those this gateway relays to it. */
    private int terminalsOn(HostAddress host) {
        int relayedHere = relayed.getOrDefault(host, new AtomicInteger()).get();
        return loads.map(l -> Math.max(l.terminals(host), relayedHere)).orElse(relayedHere);
    }

    /** Calls to the hosts' APIs on users' behalf. */
    public HostCalls calls() {
        return calls;
    }

    private void relayNative(String user, String query, Optional<String> handle, RawSocket client, ByteBuffer readAhead) {
        Connected host;
        try {
            host = connect(user, query, handle);
        } catch (Unreachable e) {
            refuse(client, e);
            return;
        }
        RawSocket upstream;
        try {
            int fd = SocketFd.of(host.upgraded.socket());
            if (fd < 0) {
                throw new IOException("the host's socket has no fd");
            }
            upstream = sockets.orElseThrow().adopt(fd);
        } catch (IOException | RuntimeException e) {
            closeQuietly(host.upgraded.socket());
            refuse(client, new Unreachable(CloseCodes.SERVER_ERROR, "the gateway could not relay to " + host.address));
            return;
        }
        closeQuietly(host.upgraded.socket()); // the adopted duplicate holds the connection now
        HostAddress address = host.address;
        started(address);
        // The callback keeps only the address: capturing the upgrade would hold its 8 KiB read buffer
        // and the closed Socket for as long as the terminal is relayed, most of an idle relay's memory.
        relay.start(client, readAhead, upstream, host.upgraded.rest(), hostLost(address))
                .whenComplete((relayed, failure) -> ended(address, relayed));
    }

    private void relayStreams(String user, String query, Optional<String> handle, InputStream in, OutputStream out,
                              Closeable connection, ByteBuffer readAhead) {
        Connected host;
        try {
            host = connect(user, query, handle);
        } catch (Unreachable e) {
            LOG.info(() -> "terminal not relayed: " + e.getMessage());
            try {
                out.write(closeFrame(e.code, e.getMessage()));
                // As refuse(...): end our side, then read the client's last bytes until it hangs up.
                CompletableFuture.delayedExecutor(PARTING.toMillis(), TimeUnit.MILLISECONDS).execute(() -> closeQuietly(connection));
                if (connection instanceof Socket socket) {
                    socket.shutdownOutput();
                }
                long drained = 0;
                byte[] scratch = new byte[4096];
                for (int n = in.read(scratch); n >= 0 && (drained += n) <= MAX_PARTING_BYTES; n = in.read(scratch)) {
                    // dropped
                }
            } catch (IOException ignored) {
                // gone already
            }
            closeQuietly(connection);
            return;
        }
        started(host.address);
        Socket socket = host.upgraded.socket();
        Relay.Relayed relayed = null;
        try {
            relayed = StreamRelay.start(in, out, connection, readAhead, socket.getInputStream(), socket.getOutputStream(), socket,
                    host.upgraded.rest(), hostLost(host.address)).join();
        } catch (IOException e) {
            closeQuietly(socket);
            closeQuietly(connection);
        } finally {
            ended(host.address, relayed);
        }
    }

    private record Connected(HostAddress address, Dial.Upgraded upgraded) {
    }

    /** The upgrade made on the terminal's host, or why no host would take it. */
    private Connected connect(String user, String query, Optional<String> handle) throws Unreachable {
        List<HostAddress> known = hosts.current();
        List<HostAddress> order;
        String terminal = handle.map(HostHandles::bare).orElse("");
        if (handle.isPresent()) {
            // A terminal lives on one host: that one, or none.
            Optional<HostAddress> named = handle.flatMap(this::hostOf);
            if (named.isEmpty()) {
                throw new Unreachable(CloseCodes.NO_SUCH_TERMINAL, "that terminal's host is not among the hosts now"
                        + handle.flatMap(HostHandles::host).map(h -> " (" + h + ")").orElse(""));
            }
            order = List.of(named.get());
        } else if (known.isEmpty()) {
            throw new Unreachable(CloseCodes.HOST_UNREACHABLE, "no hosts are known now (" + hosts.description() + ")");
        } else {
            order = placementOf(user);
        }
        List<String> failures = new ArrayList<>();
        for (HostAddress address : order) {
            String target = HOST_PATH + (query == null || query.isEmpty() ? "" : "?" + query);
            try {
                Dial.Upgraded upgraded = Dial.upgrade(new InetSocketAddress(address.host(), address.port()), address.toString(),
                        target, Map.of(GatewayIdentity.HEADER, signer.sign(user, terminal, address.toString())), SUBPROTOCOL,
                        dialTimeout);
                keepAsking(upgraded.socket());
                loads.ifPresent(l -> l.placed(address));
                return new Connected(address, upgraded);
            } catch (UpgradeRefusedException e) {
                // The host answered: a full host may leave the terminal to the next; anything else is said as it is.
                if (e.status() != 503 || handle.isPresent()) {
                    throw new Unreachable(CloseCodes.HOST_UNREACHABLE, "host " + address + " refused the terminal: " + e.getMessage());
                }
                failures.add(address + " is full");
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "host " + address + " unreachable", e);
                failures.add(address + " unreachable (" + e.getMessage() + ")");
            }
        }
        unreached.incrementAndGet();
        throw new Unreachable(CloseCodes.HOST_UNREACHABLE, "no host could open the terminal: " + String.join("; ", failures));
    }

    /**
     * A host that dies without closing its connections (a machine lost) sends nothing: TCP
     * keep-alive, probing after the ping interval of silence, finds it gone and the relay ends
     * with 4503. Where the JDK cannot set the timings, the system's apply.
     */
    private void keepAsking(Socket socket) {
        try {
            socket.setKeepAlive(true);
            socket.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, (int) Math.max(1, hostSilence.toSeconds()));
            socket.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, 2);
            socket.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(Level.FINE, "TCP keep-alive timings not set", e);
        }
    }

    private void started(HostAddress host) {
        open.incrementAndGet();
        relayed.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
    }

    private void ended(HostAddress host, Relay.Relayed result) {
        open.decrementAndGet();
        relayed.computeIfPresent(host, (h, count) -> count.decrementAndGet() <= 0 ? null : count);
        if (result != null) {
            relayedBytes.addAndGet(result.clientToHost() + result.hostToClient());
        }
        if (result != null && result.hostLost()) {
            hostsLost.incrementAndGet();
            LOG.info(() -> "host " + host + " went away during a session: " + result.why());
        }
    }

    private static ByteBuffer hostLost(HostAddress host) {
        return ByteBuffer.wrap(closeFrame(CloseCodes.HOST_LOST, "the host running this terminal (" + host + ") went away"));
    }

    /** A server's Close frame (unmasked); the reason cut to fit the 125 bytes a control frame may hold. */
    static byte[] closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = text.length;
        if (length > 123) {
            length = 120;
            while ((text[length] & 0xC0) == 0x80) { // not inside a UTF-8 sequence
                length--;
            }
            text = (new String(text, 0, length, StandardCharsets.UTF_8) + "...").getBytes(StandardCharsets.UTF_8);
        }
        return ClientFrames.frame(0x80 | ClientFrames.CLOSE, ClientFrames.closePayload(code, new String(text, StandardCharsets.UTF_8)),
                false);
    }

    /**
     * Tells the client why no host took its terminal, then ends the connection the orderly way:
     * our side shut down after the close frame, the client's last bytes (its JSON_DATA, its own
     * close frame) read and dropped until it hangs up. Closing with bytes unread would make the
     * kernel reset the connection, and the client would see 1006 instead of the reason.
     */
    private static void refuse(RawSocket client, Unreachable why) {
        LOG.info(() -> "terminal not relayed: " + why.getMessage());
        ByteBuffer frame = ByteBuffer.wrap(closeFrame(why.code, why.getMessage()));
        try {
            while (frame.hasRemaining()) {
                if (client.write(new ByteBuffer[] {frame}, 0, 1) == 0) {
                    client.awaitWritable();
                }
            }
            client.shutdownOutput();
        } catch (IOException e) {
            client.close(); // the client left already
            return;
        }
        CompletableFuture.delayedExecutor(PARTING.toMillis(), TimeUnit.MILLISECONDS).execute(client::close);
        drainUntilClosed(client, ByteBuffer.allocate(4096), new long[] {0});
    }

    /** Reads and drops what the client still sends, without a thread while it sends nothing, until it hangs up. */
    private static void drainUntilClosed(RawSocket client, ByteBuffer scratch, long[] drained) {
        try {
            while (!client.closed()) {
                scratch.clear();
                int n = client.read(scratch);
                if (n < 0 || (drained[0] += n) > MAX_PARTING_BYTES) {
                    client.close();
                    return;
                }
                if (n == 0) {
                    client.onReadable(() -> Thread.ofVirtual().start(() -> drainUntilClosed(client, scratch, drained)));
                    return;
                }
            }
        } catch (IOException e) {
            client.close();
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing is all that is left
        }
    }

    /** Stops looking the hosts up. Relays still open end with their connections. */
    @Override
    public void close() {
        loads.ifPresent(HostLoads::close);
        hosts.close();
    }

    /** No host would take the terminal: the close code and reason the client gets. */
    private static final class Unreachable extends Exception {
        private final int code;

        Unreachable(int code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }
    }
}
