package io.cloudterm.terminal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.io.BufferPool;
import io.cloudterm.io.ReadBuffers;
import io.cloudterm.protocol.CloseCodes;
import io.cloudterm.protocol.TerminalSize;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who may hold the program back, and when: PAUSE, the high-water mark, and a client too slow to
 * keep up, each as one rule, over a fake pty. "Nothing is read" is shown without waiting out a
 * quiet period: the terminal's reader, with output to read, waits on the terminal's condition for a
 * client to want it ({@link TerminalProbe#readerHeldBack}), and while it waits there the pty keeps every byte.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TerminalFlowControlTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int KiB = 1024;
    private static final int MiB = 1024 * KiB;
    private static final TerminalSettings SETTINGS = TerminalSettings.defaults();
    private static final TerminalSize SIZE = new TerminalSize(80, 24);

    private final FakePty pty = new FakePty();
    private final ReadBuffers buffers = new ReadBuffers(new BufferPool(16 * KiB, 10_000), new BufferPool(KiB, 10_000));
    private final Scrollback scrollback = new Scrollback(new ScrollbackBudget(), Scrollback.DEFAULT_CAP_BYTES);
    private final List<FakeClient> stuck = new ArrayList<>();
    private Terminal terminal;
    private long printed;

    @AfterEach
    void end() throws Exception {
        stuck.forEach(FakeClient::unstick);
        if (terminal != null) {
            terminal.hangUp();
            terminal.ended().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void beforeTheFirstClientTheProgramIsHeldBack() {
        start();
        print(100 * KiB);
        await().atMost(WAIT).until(this::readerHeldBack);
        assertEquals(100 * KiB, pty.unread(), "nobody has seen it yet: the child waits rather than lose it");
    }

    @Test
    void aPausedOwnerGetsNothingAndHoldsTheProgramBackUntilItResumes() {
        start();
        FakeClient owner = FakeClient.reading();
        Attachment attachment = attachIdle(owner, ClientRole.CONTROL);
        byte[] before = print(50 * KiB);
        await().atMost(WAIT).until(() -> owner.received() == before.length && pty.awaitsOutput());

        attachment.pause();
        byte[] during = print(300 * KiB);
        await().atMost(WAIT).until(this::readerHeldBack);
        assertEquals(during.length, pty.unread(), "not a byte read while paused");
        assertEquals(before.length, owner.received(), "nor sent");
        assertEquals(0, attachment.pendingBytes(), "nor queued: the child holds it, blocked on a full pty");

        attachment.resume();
        await().atMost(WAIT).until(() -> owner.received() == before.length + during.length);
        assertArrayEquals(concat(before, during), owner.output(), "each byte once, in order");
        assertEquals(0, pty.unread());
    }

    @Test
    void aLoneClientThatStopsReadingHoldsTheReaderInItsSendAndTheProgramWaitsForIt() {
        start();
        FakeClient owner = stuck(FakeClient.stuckKeeping());
        Attachment attachment = attachIdle(owner, ClientRole.CONTROL);
        byte[] output = printAtOnce(MiB);

        // The reader sends to its one client itself: it waits on that client's socket, with at most
        // the one buffer it read in flight, and the rest stays with the child.
        await().atMost(WAIT).until(owner::blockedInSend);
        assertEquals(0, attachment.pendingBytes(), "nothing queued behind the send");
        assertTrue(pty.unread() >= MiB - 16 * KiB, "the rest stays in the pty: " + pty.unread());
        assertTrue(attachment.attached(), "a client that paces the program is waited for, not let go");
        assertFalse(owner.closed().isDone());

        owner.unstick();
        await().atMost(WAIT).until(() -> owner.received() == output.length);
        assertArrayEquals(output, owner.output(), "reading went on as the client took its output");
    }

    @Test
    void twoClientsThatStopReadingAreQueuedUpToTheHighWaterMarkAndTheProgramWaitsForThem() {
        start();
        FakeClient first = stuck(FakeClient.stuckKeeping());
        Attachment firstAttachment = attachIdle(first, ClientRole.CONTROL);
        FakeClient second = stuck(FakeClient.stuckKeeping());
        Attachment secondAttachment = attach(second, ClientRole.CONTROL, Seat.OWNER);
        await().atMost(WAIT).until(() -> second.replayEndAt() == 0);
        byte[] output = printAtOnce(MiB); // with two clients, the reader queues and their senders send

        // Settled: each sender took one message off its queue and is blocked sending it, and the
        // reader waits for a client to want more.
        await().atMost(WAIT).until(() -> first.blockedInSend() && second.blockedInSend() && readerHeldBack());
        int highWater = SETTINGS.highWaterBytes();
        long lowest = Long.MAX_VALUE;
        for (Attachment attachment : List.of(firstAttachment, secondAttachment)) {
            // What a sender took off the queue no longer counts as queued. The reader reads while one
            // client wants output, so the other, whose sender took less, may be ahead by that much.
            long queued = attachment.pendingBytes();
            assertTrue(queued >= highWater && queued < highWater + 16 * KiB + SETTINGS.maxMessageBytes(),
                    "reads stop once every client's queue reaches the mark, not before nor long after: " + queued);
            assertTrue(attachment.attached(), "clients that pace the program are waited for, not let go");
            lowest = Math.min(lowest, queued);
        }
        assertTrue(lowest < highWater + 16 * KiB, "the last read was on account of a client below the mark: " + lowest);
        assertTrue(pty.unread() > 0, "the rest stays in the pty: " + pty.unread());

        first.unstick();
        second.unstick();
        await().atMost(WAIT).until(() -> first.received() == output.length && second.received() == output.length);
        assertArrayEquals(output, first.output(), "reading went on as the clients took their queues");
        assertArrayEquals(output, second.output());
    }

    @Test
    void aWatchingGuestCannotRunTheProgramWhileTheOwnerPauses() {
        start();
        FakeClient owner = FakeClient.reading();
        Attachment ownerAttachment = attachIdle(owner, ClientRole.CONTROL);
        ownerAttachment.pause();
        FakeClient guest = FakeClient.reading();
        attach(guest, ClientRole.VIEW, Seat.GUEST);
        await().atMost(WAIT).until(() -> guest.replayEndAt() == 0); // its (empty) history is over

        print(100 * KiB);
        await().atMost(WAIT).until(this::readerHeldBack);
        assertEquals(100 * KiB, pty.unread(), "only the owner's clients pace the program");
        assertEquals(0, guest.received());
    }

    @Test
    void thePausedTabOfTwoHoldsNothingBackAndIsLetGoOnceTooFarBehind() {
        start();
        FakeClient reading = FakeClient.reading();
        attachIdle(reading, ClientRole.CONTROL);
        FakeClient pausedTab = FakeClient.reading();
        Attachment paused = attach(pausedTab, ClientRole.CONTROL, Seat.OWNER);
        await().atMost(WAIT).until(() -> pausedTab.replayEndAt() == 0);
        paused.pause();

        byte[] output = print(SETTINGS.maxBehindBytes() + MiB);
        FakeClient.Close close = pausedTab.closed().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        assertEquals(CloseCodes.TOO_FAR_BEHIND, close.code(), close.toString());
        assertTrue(close.reason().contains("reconnect to catch up"), close.reason());
        assertEquals(0, pausedTab.received(), "paused, it was sent nothing");

        await().atMost(WAIT).until(() -> reading.received() == output.length);
        assertArrayEquals(output, reading.output(), "the tab that reads got everything, held back by nobody");
        assertEquals(1, terminal.attachedClients());
    }

    @Test
    void theEndOfTheHistoryReachesAPausedClient() {
        start();
        FakeClient first = FakeClient.reading();
        Attachment firstAttachment = attachIdle(first, ClientRole.CONTROL);
        byte[] history = print(20 * KiB);
        await().atMost(WAIT).until(() -> first.received() == history.length);
        firstAttachment.detach(); // the terminal lives on for the keep-alive, its output in the scrollback

        FakeClient owner = stuck(FakeClient.stuckKeeping());
        Attachment attachment = attach(owner, ClientRole.CONTROL, Seat.OWNER);
        await().atMost(WAIT).until(() -> attachment.pendingBytes() == 0); // the history is in flight, in one message
        attachment.pause();
        owner.unstick();
        await().atMost(WAIT).until(() -> owner.replayEndAt() == history.length);
        assertArrayEquals(history, owner.output(), "the history, then REPLAY_END: PAUSE is about output, and that is none");

        byte[] live = print(10 * KiB);
        await().atMost(WAIT).until(this::readerHeldBack);
        assertEquals(live.length, pty.unread());
        attachment.resume();
        await().atMost(WAIT).until(() -> owner.received() == history.length + live.length);
        assertArrayEquals(concat(history, live), owner.output());
    }

    @Test
    void whenThePausedOwnerLeavesOutputGoesOnIntoTheScrollback() {
        start();
        FakeClient owner = FakeClient.reading();
        Attachment attachment = attachIdle(owner, ClientRole.CONTROL);
        attachment.pause();
        byte[] output = print(100 * KiB);
        await().atMost(WAIT).until(this::readerHeldBack);
        assertEquals(output.length, pty.unread());

        attachment.detach();
        await().atMost(WAIT).until(() -> pty.unread() == 0);
        assertArrayEquals(output, scrollback.snapshot(), "a detached job never blocks: it runs on into the history");
    }

    // ---- the setting ----

    private void start() {
        terminal = pty.startTerminal(buffers, SETTINGS, scrollback);
    }

    private boolean readerHeldBack() {
        return TerminalProbe.readerHeldBack(terminal);
    }

    /**
     * Attaches, then waits until the reader the attach woke has found nothing to read and ended,
     * so that whatever the test does next (a PAUSE) comes before any read of what it prints after.
     */
    private Attachment attachIdle(FakeClient client, ClientRole role) {
        Attachment attachment = attach(client, role, Seat.OWNER);
        await().atMost(WAIT).until(() -> pty.awaitsOutput() && client.replayEndAt() == 0);
        return attachment;
    }

    private Attachment attach(FakeClient client, ClientRole role, Seat seat) {
        try {
            return terminal.attach(client, role, seat, List.of(), SIZE);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private FakeClient stuck(FakeClient client) {
        stuck.add(client);
        return client;
    }

    /** The child prints {@code bytes} more of one stream, in pty-sized pieces. */
    private byte[] print(int bytes) {
        byte[] all = ScrollbackTest.stream(5, printed, bytes);
        pty.printInPieces(all);
        printed += bytes;
        return all;
    }

    /** The child prints {@code bytes} more in one write, which the terminal reads a buffer at a time. */
    private byte[] printAtOnce(int bytes) {
        byte[] all = ScrollbackTest.stream(5, printed, bytes);
        pty.print(all);
        printed += bytes;
        return all;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
