package io.cloudterm.terminal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.io.BufferPool;
import io.cloudterm.io.ReadBuffers;
import io.cloudterm.protocol.TerminalSize;
import io.cloudterm.pty.Pty;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The registry of live terminals on fake ptys: limits, who may reach which terminal, share links. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TerminalsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final TerminalSize SIZE = new TerminalSize(80, 24);
    private static final PtySpec SPEC = new PtySpec(List.of("fake"), Path.of("/"), Map.of(), 80, 24);

    /** A fresh fake pty for every terminal started. */
    private final PtySystem ptys = new PtySystem() {
        @Override
        public Pty spawn(PtySpec spec) {
            return new FakePty();
        }

        @Override
        public String description() {
            return "fake (no process; for unit tests)";
        }
    };
    private final ReadBuffers buffers = new ReadBuffers(new BufferPool(16 * 1024, 1000), new BufferPool(1024, 1000));
    private Terminals terminals;

    @AfterEach
    void end() throws Exception {
        if (terminals != null) {
            for (Terminal terminal : terminals.live()) {
                terminal.hangUp();
                terminal.ended().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private Terminals terminals(int max, int maxPerUser, int guestsPerUser) {
        terminals = new Terminals(ptys, buffers, TerminalSettings.defaults(),
                new Terminals.Limits(max, maxPerUser, guestsPerUser), 0, "test", Optional.empty());
        return terminals;
    }

    @Test
    void aUserCannotStartMoreThanTheirShareOfTerminals() throws Exception {
        Terminals all = terminals(10, 2, 4);
        all.start(SPEC, "alice");
        all.start(SPEC, "alice");
        Terminals.LimitReached refused = assertThrows(Terminals.LimitReached.class, () -> all.start(SPEC, "alice"));
        assertTrue(refused.getMessage().contains("you have 2 terminals"), refused.getMessage());
        all.start(SPEC, "bob"); // another user's count is their own
        assertEquals(2, all.ownedBy("alice").size());
        assertEquals(1, all.ownedBy("bob").size());
    }

    @Test
    void theServerCannotStartMoreThanItsMaximum() throws Exception {
        Terminals all = terminals(2, 5, 4);
        all.start(SPEC, "alice");
        all.start(SPEC, "bob");
        Terminals.LimitReached refused = assertThrows(Terminals.LimitReached.class, () -> all.start(SPEC, "carol"));
        assertTrue(refused.getMessage().contains("maximum of 2 terminals"), refused.getMessage());
    }

    @Test
    void anEndedTerminalNoLongerCounts() throws Exception {
        Terminals all = terminals(1, 1, 4);
        Terminals.Live first = all.start(SPEC, "alice");
        assertThrows(Terminals.LimitReached.class, () -> all.start(SPEC, "alice"));
        first.terminal().hangUp();
        first.terminal().ended().get(30, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> all.ownedBy("alice").isEmpty());
        Terminals.Live second = all.start(SPEC, "alice");
        assertEquals(List.of(second), all.ownedBy("alice"));
    }

    @Test
    void hangingUpAUsersTerminalsLeavesOthersAlone() throws Exception {
        Terminals all = terminals(10, 5, 4);
        Terminals.Live alices = all.start(SPEC, "alice");
        Terminals.Live bobs = all.start(SPEC, "bob");
        all.hangUpAllOf("alice");
        alices.terminal().ended().get(30, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> all.ownedBy("alice").isEmpty());
        assertFalse(bobs.terminal().ended().isDone());
        assertEquals(Optional.of(bobs), all.find(bobs.handle(), "bob"));
    }

    @Test
    void onlyItsOwnerFindsATerminal() throws Exception {
        Terminals all = terminals(10, 5, 4);
        Terminals.Live live = all.start(SPEC, "alice");
        assertEquals(Optional.of(live), all.find(live.handle(), "alice"));
        assertEquals(Optional.empty(), all.find(live.handle(), "bob"));
        assertEquals(Optional.empty(), all.find(live.handle(), "")); // the anonymous user is nobody else
        assertEquals(Optional.empty(), all.access(live.handle(), "bob", ""));
        assertEquals(Optional.empty(), all.find("not-a-handle", "alice"));
        assertEquals(Optional.empty(), all.find(null, "alice"));
    }

    @Test
    void aShareTokenLetsAnotherUserInAsItAllowsUntilRevoked() throws Exception {
        Terminals all = terminals(10, 5, 4);
        Terminals.Live live = all.start(SPEC, "alice");
        Shares.Created view = live.shares().create(false, false);
        Shares.Created control = live.shares().create(true, true);
        assertFalse(view.toString().contains(view.token()), "a share's token is never printed");
        assertTrue(view.share().openToAnyone(), "a view link is enough by itself, unless made for signed-in users");
        assertFalse(control.share().openToAnyone(), "control is never given to someone nobody knows");
        assertFalse(live.shares().create(false, true).share().openToAnyone());
        assertEquals(view.share(), all.throughShare(live.handle(), view.token()).orElseThrow().share().orElseThrow());
        assertEquals(Optional.empty(), all.throughShare(live.handle(), "not-a-share"));

        Terminals.Access watching = all.access(live.handle(), "bob", view.token()).orElseThrow();
        assertEquals(ClientRole.VIEW, watching.role(false));
        Terminals.Access controlling = all.access(live.handle(), "bob", control.token()).orElseThrow();
        assertEquals(ClientRole.CONTROL, controlling.role(false));
        assertEquals(ClientRole.VIEW, controlling.role(true)); // a read-only server: nobody types
        assertEquals(Optional.empty(), all.find(live.handle(), "bob"), "a share is no ownership");
        assertEquals(Optional.empty(), all.access(live.handle(), "bob", view.token() + "x"));
        assertEquals(Optional.empty(), all.access(live.handle(), "bob", "x".repeat(101)));

        boolean[] letGo = new boolean[1];
        live.shares().onRevoke(view.share().id(), () -> letGo[0] = true);
        assertTrue(live.shares().revoke(view.share().id()));
        assertTrue(letGo[0], "the clients that came through a revoked share are let go");
        assertEquals(Optional.empty(), all.access(live.handle(), "bob", view.token()));
        assertFalse(live.shares().revoke(view.share().id()), "revoked once");
        assertEquals(2, live.shares().list().size());
        assertTrue(live.shares().list().contains(control.share()));
    }

    @Test
    void watchingARevokedShareLetsGoAtOnce() throws Exception {
        Terminals all = terminals(10, 5, 4);
        Shares shares = all.start(SPEC, "alice").shares();
        Shares.Created share = shares.create(false, false);
        shares.revoke(share.share().id());
        boolean[] letGo = new boolean[1];
        shares.onRevoke(share.share().id(), () -> letGo[0] = true);
        assertTrue(letGo[0]);
    }

    @Test
    void aGuestsClientsOnOthersTerminalsAreLimitedAndFreedOnDetach() throws Exception {
        Terminals all = terminals(10, 5, 1);
        Terminals.Live live = all.start(SPEC, "alice");
        String token = live.shares().create(false, false).token();
        Terminals.Access guest = all.access(live.handle(), "bob", token).orElseThrow();
        Attachment first = all.attach(guest, "bob", FakeClient.reading(), ClientRole.VIEW, List.of(), SIZE);
        assertEquals(Seat.GUEST, first.seat());
        assertThrows(Terminals.ClientLimitReached.class,
                () -> all.attach(guest, "bob", FakeClient.reading(), ClientRole.VIEW, List.of(), SIZE));
        // The owner's own clients are not guests and are not counted against that limit.
        Attachment owners = all.attach(Terminals.Access.owner(live), "alice", FakeClient.reading(), ClientRole.CONTROL,
                List.of(), SIZE);
        assertEquals(Seat.OWNER, owners.seat());
        first.detach();
        Attachment again = all.attach(guest, "bob", FakeClient.reading(), ClientRole.VIEW, List.of(), SIZE);
        assertTrue(again.attached());
    }

    @Test
    void aGuestControlsATerminalOnlyWhileAttachedWithControlThroughALiveShare() throws Exception {
        Terminals all = terminals(10, 5, 4);
        Terminals.Live live = all.start(SPEC, "alice");
        assertEquals(Optional.of(live), all.controlledBy(live.handle(), "alice"), "its owner, attached or not");
        Shares.Created control = live.shares().create(true, true);
        Shares.Created view = live.shares().create(false, false);
        assertEquals(Optional.empty(), all.controlledBy(live.handle(), "bob"), "a link alone, unused, is not control");

        Terminals.Access watching = all.access(live.handle(), "bob", view.token()).orElseThrow();
        Attachment viewer = all.attach(watching, "bob", FakeClient.reading(), watching.role(false), List.of(), SIZE);
        assertTrue(viewer.attached());
        assertEquals(Optional.empty(), all.controlledBy(live.handle(), "bob"), "a viewer is in control of nothing");
        Terminals.Access controlling = all.access(live.handle(), "bob", control.token()).orElseThrow();
        Attachment onReadOnlyServer = all.attach(controlling, "bob", FakeClient.reading(), controlling.role(true), List.of(), SIZE);
        assertEquals(Optional.empty(), all.controlledBy(live.handle(), "bob"), "nor is a control link's holder who may only watch");
        onReadOnlyServer.detach();

        // The page learns from its greeting that it is in control, and may ask at once: by then it is.
        Optional<?>[] duringGreeting = new Optional<?>[1];
        FakeClient greeted = FakeClient.reading();
        TerminalClient asksOnGreeting = new TerminalClient() {
            @Override
            public void send(byte[] message) throws java.io.IOException {
                duringGreeting[0] = all.controlledBy(live.handle(), "bob");
                greeted.send(message);
            }

            @Override
            public void close(int code, String reason) {
                greeted.close(code, reason);
            }
        };
        Attachment helper = all.attach(controlling, "bob", asksOnGreeting, controlling.role(false), List.of(new byte[] {'1'}), SIZE);
        assertEquals(Optional.of(live), duringGreeting[0]);
        assertEquals(Optional.of(live), all.controlledBy(live.handle(), "bob"));
        assertEquals(Optional.empty(), all.controlledBy(live.handle(), "carol"), "only the user whose client it is");
        assertEquals(Optional.empty(), all.find(live.handle(), "bob"), "control is no ownership");

        helper.detach();
        assertEquals(Optional.empty(), all.controlledBy(live.handle(), "bob"), "gone with the client");
        Attachment again = all.attach(controlling, "bob", FakeClient.reading(), controlling.role(false), List.of(), SIZE);
        assertEquals(Optional.of(live), all.controlledBy(live.handle(), "bob"));
        live.shares().revoke(control.share().id());
        assertTrue(again.attached(), "here nobody lets the client go on revoke: the link's end alone takes control away");
        assertEquals(Optional.empty(), all.controlledBy(live.handle(), "bob"));
        assertEquals(Optional.empty(), all.controlledBy("not-a-handle", "alice"));
        assertEquals(Optional.empty(), all.controlledBy(null, "alice"));
    }
}
