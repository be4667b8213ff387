package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cloudterm.connection.Connection;
import io.cloudterm.protocol.CloseCodes;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat's rules, with the test as its clock and its timer: which peers a beat pings, when
 * it gives up on one, and what a sweep does once a connection has ended. Its tasks run on the
 * calling thread, so each beat's effect is there as soon as it returns. (The system test with a
 * real server and a real silent peer is {@code HeartbeatTest}.)
 */
class HeartbeatSweepTest {

    /** Pings after half of it without a word; gives up after twice it and a second. */
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration GIVE_UP_AFTER = INTERVAL.multipliedBy(2).plusSeconds(1);

    /** A connection that writes down what it is asked to do. */
    private static final class PeerConnection implements Connection {
        final List<String> calls = new ArrayList<>();
        volatile boolean open = true;

        @Override
        public void send(byte[] message) {
            calls.add("send");
        }

        @Override
        public void send(byte[] prefix, List<ByteBuffer> parts) {
            calls.add("send");
        }

        @Override
        public void ping() {
            calls.add("ping");
        }

        @Override
        public void close(int code, String reason) {
            calls.add("close " + code + " " + reason);
        }

        @Override
        public void abandon(int code, String reason) {
            calls.add("abandon " + code + " " + reason);
            open = false;
        }

        @Override
        public boolean open() {
            return open;
        }

        @Override
        public String remoteHost() {
            return "127.0.0.1";
        }

        @Override
        public Optional<X509Certificate> clientCertificate() {
            return Optional.empty();
        }
    }

    private final AtomicLong nanos = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
    private final Heartbeat heartbeat = Heartbeat.unscheduled(INTERVAL, Runnable::run);
    private final PeerConnection connection = new PeerConnection();
    private final WsClient client = new WsClient(connection, nanos::get);
    private final AtomicInteger ended = new AtomicInteger();

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private void watch() {
        heartbeat.watch(client, ended::incrementAndGet);
    }

    @Test
    void aQuietPeerIsPingedAtEachBeat() {
        watch();
        advance(INTERVAL);
        heartbeat.beat();
        advance(INTERVAL);
        heartbeat.beat();
        assertEquals(List.of("ping", "ping"), connection.calls);
    }

    @Test
    void aPeerHeardFromWithinHalfAnIntervalIsNotPinged() {
        watch();
        advance(INTERVAL);
        client.heard();
        advance(INTERVAL.dividedBy(2).minusNanos(1));
        heartbeat.beat();
        assertEquals(List.of(), connection.calls, "it just spoke: a ping could cross its close frame");
        advance(Duration.ofNanos(1));
        heartbeat.beat();
        assertEquals(List.of("ping"), connection.calls, "quiet for half an interval: now it is asked");
    }

    @Test
    void aPeerThatAnswersEveryPingIsKeptForever() {
        watch();
        for (int beat = 0; beat < 1000; beat++) {
            advance(INTERVAL);
            heartbeat.beat();
            client.heard(); // its pong
        }
        assertEquals(1000, connection.calls.stream().filter("ping"::equals).count());
        assertEquals(List.of("ping"), connection.calls.stream().distinct().toList(), "never given up on");
    }

    @Test
    void aPeerThatStopsAnsweringIsAbandonedOnceWithTimeout() {
        watch();
        advance(GIVE_UP_AFTER);
        heartbeat.beat();
        assertEquals(List.of("ping"), connection.calls, "silent, but not for longer than the limit yet");
        advance(Duration.ofNanos(1));
        heartbeat.beat();
        advance(INTERVAL);
        heartbeat.beat();
        assertEquals(List.of("ping", "abandon " + CloseCodes.TIMEOUT + " no answer to pings"), connection.calls,
                "given up on once, and no longer pinged");
    }

    @Test
    void aPeerIsGivenUpOnOnceEvenIfTheNextBeatComesBeforeTheGiveUpHasRun() {
        // In the server each give-up runs on a thread of its own, which a short interval can outrun.
        List<Runnable> notYetRun = new ArrayList<>();
        Heartbeat slowTasks = Heartbeat.unscheduled(INTERVAL, notYetRun::add);
        slowTasks.watch(client, ended::incrementAndGet);
        advance(GIVE_UP_AFTER.plusNanos(1));
        slowTasks.beat();
        advance(INTERVAL);
        slowTasks.beat();
        notYetRun.forEach(Runnable::run);
        assertEquals(List.of("abandon " + CloseCodes.TIMEOUT + " no answer to pings"), connection.calls);
    }

    @Test
    void aPeerThatComesBackBeforeTheLimitIsKept() {
        watch();
        advance(GIVE_UP_AFTER);
        heartbeat.beat();
        client.heard();
        advance(GIVE_UP_AFTER);
        heartbeat.beat();
        assertEquals(List.of("ping", "ping"), connection.calls, "the limit counts from the last word heard");
    }

    @Test
    void aClosingClientIsNeitherPingedNorAbandoned() {
        watch();
        client.close(CloseCodes.NORMAL, "exit 0");
        advance(GIVE_UP_AFTER.multipliedBy(2));
        heartbeat.beat();
        assertEquals(List.of("close " + CloseCodes.NORMAL + " exit 0"), connection.calls,
                "its close handshake is under way: the sweep sees it end");
    }

    @Test
    void theSweepRunsTheEndActionOnceWhenTheConnectionHasEnded() {
        watch();
        heartbeat.sweep();
        assertEquals(0, ended.get(), "still open");
        connection.open = false;
        heartbeat.sweep();
        heartbeat.sweep();
        assertEquals(1, ended.get());
        advance(GIVE_UP_AFTER.multipliedBy(2));
        heartbeat.beat();
        assertEquals(List.of(), connection.calls, "a client let go is no longer watched");
    }

    @Test
    void anAbandonedPeerIsLetGoByTheNextSweep() {
        watch();
        advance(GIVE_UP_AFTER.plusNanos(1));
        heartbeat.beat();
        heartbeat.sweep();
        assertEquals(1, ended.get(), "abandoning closes the connection at once; its terminal need not wait");
    }

    @Test
    void aForgottenClientIsNeitherPingedNorEnded() {
        watch();
        heartbeat.forget(client);
        advance(GIVE_UP_AFTER.plusNanos(1));
        heartbeat.beat();
        connection.open = false;
        heartbeat.sweep();
        assertEquals(List.of(), connection.calls);
        assertEquals(0, ended.get());
    }

    @Test
    void aClientThatOpensOnceTheServerIsLeavingIsClosedAtOnce() {
        heartbeat.closeAll(CloseCodes.GOING_AWAY, "server shutting down", Duration.ofSeconds(30));
        watch();
        assertEquals(List.of("close " + CloseCodes.GOING_AWAY + " server shutting down"), connection.calls);
    }
}
