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
import io.cloudterm.pty.ExitStatus;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Attachments on a terminal over a fake pty: who may hold the program back, what a replay of the
 * history costs, and how many clients a terminal takes. The test plays the child; the pty keeps
 * what it printed until the terminal reads it, which shows whether the program is held back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AttachmentTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MiB = 1 << 20;
    private static final TerminalSize SIZE = new TerminalSize(80, 24);

    private final FakePty pty = new FakePty();
    /** Pooled far past what the tests use, so that every buffer lent out is counted. */
    private final ReadBuffers buffers = new ReadBuffers(new BufferPool(16 * 1024, 100_000), new BufferPool(1024, 100_000));
    private final ScrollbackBudget budget = new ScrollbackBudget();
    private Scrollback scrollback = new Scrollback(budget, Scrollback.DEFAULT_CAP_BYTES);
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
    void aViewOnlyGuestCannotHoldTheProgramBack() {
        startWithHistory(TerminalSettings.defaults());
        FakeClient pausedGuest = FakeClient.reading();
        Attachment paused = attach(pausedGuest, ClientRole.VIEW);
        paused.pause();
        Attachment notReading = attach(stuck(), ClientRole.VIEW);

        print(MiB);
        await().atMost(WAIT).until(() -> pty.unread() == 0);
        assertEquals(2, terminal.attachedClients(), "both guests are still there, under the fell-behind limit");
        assertFalse(pausedGuest.closed().isDone());
        assertTrue(paused.pendingBytes() >= MiB, "the paused guest's output waits for it: " + paused.pendingBytes());
        assertTrue(notReading.pendingBytes() >= MiB);
    }

    @Test
    void aWritableClientsPauseHoldsTheProgramBackUntilItResumes() {
        startWithHistory(TerminalSettings.defaults());
        byte[] history = scrollback.snapshot();
        FakeClient owner = FakeClient.reading();
        Attachment attachment = attach(owner, ClientRole.CONTROL);
        attachment.pause();

        byte[] more = print(2 * MiB);
        // The history alone is above the high-water mark: the paused owner wants no more output.
        await().atMost(WAIT).until(() -> TerminalProbe.readerHeldBack(terminal));
        assertEquals(2 * MiB, pty.unread(), "the reader waits for the owner with the output still in the pty");

        attachment.resume();
        await().atMost(WAIT).until(() -> pty.unread() == 0 && owner.received() == history.length + more.length);
        byte[] expected = new byte[history.length + more.length];
        System.arraycopy(history, 0, expected, 0, history.length);
        System.arraycopy(more, 0, expected, history.length, more.length);
        assertArrayEquals(expected, owner.output(), "the history, then the rest, each byte once and in order");
        assertEquals(history.length, owner.replayEndAt(), "REPLAY_END right after the history");
    }

    @Test
    void aThousandReplayingClientsShareTheScrollbackInsteadOfCopyingIt() {
        int clients = 1000;
        startWithHistory(TerminalSettings.defaults().withMaxClients(clients));
        byte[] history = scrollback.snapshot();
        assertTrue(history.length > MiB - 64 * 1024, "a full scrollback: " + history.length);
        byte[] historyDigest = FakeClient.sha256().digest(history);
        int lentBefore = buffers.inUse();
        long heapBefore = heapAfterGc();

        List<FakeClient> guests = new ArrayList<>();
        List<Attachment> attachments = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            FakeClient guest = stuck();
            guests.add(guest);
            attachments.add(attach(guest, ClientRole.VIEW));
        }
        // Every sender takes its first message from the scrollback and is stuck sending it; the
        // rest of the replay still counts as waiting for its client.
        int message = TerminalSettings.defaults().maxMessageBytes();
        await().atMost(WAIT).until(() -> attachments.stream().allMatch(a -> a.pendingBytes() == history.length - message));
        assertEquals(clients * (message / (16 * 1024)), buffers.inUse() - lentBefore,
                "one message's pooled buffers per client, whatever the size of the history");
        long grown = heapAfterGc() - heapBefore;
        assertTrue(grown < 64L * MiB, "a copy of the history each would be " + (long) clients * history.length
                + " bytes; the heap grew by " + grown);

        guests.forEach(FakeClient::unstick);
        await().atMost(WAIT).until(() -> guests.stream().allMatch(g -> g.received() == history.length));
        for (FakeClient guest : guests) {
            assertArrayEquals(historyDigest, guest.receivedDigest(), "each got the history byte for byte");
        }
        await().atMost(WAIT).until(() -> buffers.inUse() == lentBefore);
    }

    @Test
    void aClientThatNeverReadsIsLetGoOnceItsReplayAndNewOutputPassTheLimit() {
        startWithHistory(TerminalSettings.defaults());
        FakeClient guest = stuck();
        attach(guest, ClientRole.VIEW);
        int limit = TerminalSettings.defaults().maxBehindBytes();

        print(limit - MiB / 2); // less than the limit alone; with the history more
        FakeClient.Close close = guest.closed().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        assertEquals(CloseCodes.TOO_FAR_BEHIND, close.code(), close.toString());
        assertTrue(close.reason().contains("reconnect to catch up"), close.reason());
        await().atMost(WAIT).until(() -> terminal.attachedClients() == 0 && pty.unread() == 0);
    }

    @Test
    void historyDroppedBeforeTheReplayReachesItIsSkippedAndLiveOutputFollowsWhole() {
        scrollback.release();
        scrollback = new Scrollback(budget, 256 * 1024);
        startWithHistory(TerminalSettings.defaults());
        byte[] history = scrollback.snapshot();
        int message = TerminalSettings.defaults().maxMessageBytes();
        FakeClient guest = FakeClient.stuckKeeping();
        stuck.add(guest);
        Attachment attachment = attach(guest, ClientRole.VIEW);
        await().atMost(WAIT).until(() -> attachment.pendingBytes() == history.length - message);

        long historyEnd = scrollback.end();
        byte[] live = print(512 * 1024);
        await().atMost(WAIT).until(() -> pty.unread() == 0);
        assertTrue(scrollback.start() >= historyEnd, "the scrollback holds none of the history left to send");
        guest.unstick();
        await().atMost(WAIT).until(() -> attachment.pendingBytes() == 0 && guest.received() == message + live.length);
        byte[] expected = new byte[message + live.length];
        System.arraycopy(history, 0, expected, 0, message);
        System.arraycopy(live, 0, expected, message, live.length);
        assertArrayEquals(expected, guest.output(), "what was sent of the history, then every live byte once");
        assertEquals(message, guest.replayEndAt(), "REPLAY_END between the two");
    }

    @Test
    void clientsPastTheTerminalsLimitAreRefusedUntilOneLeaves() {
        startWithHistory(TerminalSettings.defaults().withMaxClients(3));
        List<Attachment> attached = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            attached.add(attach(FakeClient.reading(), ClientRole.VIEW));
        }
        FakeClient refused = FakeClient.reading();
        Attachment none = attach(refused, ClientRole.CONTROL, Seat.GUEST); // a guest with control is a guest too
        FakeClient.Close close = refused.closed().getNow(null);
        assertEquals(new FakeClient.Close(CloseCodes.TOO_MANY_CLIENTS,
                "too many clients on this terminal (3 guests attached, the most allowed); try again when one leaves"), close);
        assertEquals(0, refused.received(), "a refused client gets no history");
        assertEquals(3, terminal.attachedClients());
        none.detach();
        assertEquals(3, terminal.attachedClients(), "detaching a refused client changes nothing");

        attached.getFirst().detach();
        FakeClient next = FakeClient.reading();
        attach(next, ClientRole.VIEW);
        assertFalse(next.closed().isDone());
        assertEquals(3, terminal.attachedClients());
    }

    @Test
    void guestsInEveryGuestSeatNeverLockTheOwnerOut() {
        startWithHistory(TerminalSettings.defaults().withMaxClients(3));
        for (int i = 0; i < 3; i++) {
            attach(FakeClient.reading(), ClientRole.VIEW, Seat.GUEST);
        }
        List<FakeClient> owners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FakeClient owner = FakeClient.reading();
            owners.add(owner);
            attach(owner, ClientRole.CONTROL, Seat.OWNER);
        }
        assertTrue(owners.stream().noneMatch(o -> o.closed().isDone()), "the owner reattaches, in three tabs");
        await().atMost(WAIT).until(() -> owners.stream().allMatch(o -> o.received() == scrollback.end() - scrollback.start()));
        assertEquals(3, terminal.attachedClients(Seat.GUEST));
        assertEquals(3, terminal.attachedClients(Seat.OWNER));

        FakeClient guest = FakeClient.reading();
        attach(guest, ClientRole.VIEW, Seat.GUEST);
        assertEquals(CloseCodes.TOO_MANY_CLIENTS, guest.closed().getNow(new FakeClient.Close(0, "")).code(),
                "the owner's clients took no guest's seat, and guests still have no more than theirs");
        FakeClient fourthTab = FakeClient.reading();
        attach(fourthTab, ClientRole.CONTROL, Seat.OWNER);
        assertEquals(new FakeClient.Close(CloseCodes.TOO_MANY_CLIENTS,
                "you have 3 clients on this terminal, the most allowed; close one first"), fourthTab.closed().getNow(null),
                "the owner's own clients are bounded too");
        assertEquals(6, terminal.attachedClients());
    }

    @Test
    void aReplayUnderWayOutlivesTheTerminalsEnd() throws Exception {
        startWithHistory(TerminalSettings.defaults());
        byte[] historyDigest = FakeClient.sha256().digest(scrollback.snapshot());
        long historyBytes = scrollback.end() - scrollback.start();
        FakeClient guest = stuck();
        attach(guest, ClientRole.VIEW);

        pty.exitNow(ExitStatus.exited(0));
        terminal.ended().get(30, TimeUnit.SECONDS);
        assertTrue(budget.pagesInUse() > 0, "the history is kept while a client still replays it");

        guest.unstick();
        assertEquals(new FakeClient.Close(CloseCodes.NORMAL, "exit 0"),
                guest.closed().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join());
        assertEquals(historyBytes, guest.received());
        assertArrayEquals(historyDigest, guest.receivedDigest());
        await().atMost(WAIT).until(() -> budget.pagesInUse() == 0);
    }

    // ---- the story's setting ----

    /**
     * A terminal whose owner printed 1.5 MiB (so the 1 MiB scrollback is full) and left: it lives
     * on, with nobody attached, for the keep-alive.
     */
    private void startWithHistory(TerminalSettings settings) {
        terminal = pty.startTerminal(buffers, settings, scrollback);
        FakeClient owner = FakeClient.reading();
        Attachment attachment = attach(owner, ClientRole.CONTROL);
        print(3 * MiB / 2);
        await().atMost(WAIT).until(() -> pty.unread() == 0 && owner.received() == printed);
        attachment.detach();
        assertEquals(0, terminal.attachedClients());
    }

    /** Attaches as the owner, or as a guest for a view-only client (only a share link gives that role). */
    private Attachment attach(FakeClient client, ClientRole role) {
        return attach(client, role, role == ClientRole.VIEW ? Seat.GUEST : Seat.OWNER);
    }

    private Attachment attach(FakeClient client, ClientRole role, Seat seat) {
        try {
            return terminal.attach(client, role, seat, List.of(), SIZE);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private FakeClient stuck() {
        FakeClient client = FakeClient.stuck();
        stuck.add(client);
        return client;
    }

    /** The child prints {@code bytes} more of one stream with no short period, in pty-sized pieces. */
    private byte[] print(int bytes) {
        byte[] all = ScrollbackTest.stream(3, printed, bytes);
        pty.printInPieces(all);
        printed += bytes;
        return all;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
