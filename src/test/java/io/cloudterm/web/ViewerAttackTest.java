package io.cloudterm.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import io.cloudterm.terminal.Terminal;
import java.lang.management.ManagementFactory;
import io.cloudterm.websocket.ClientFrames;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A guest with a view-only share link attacks the terminal's owner: by connecting many times and
 * never reading (each reattach replays the full scrollback), and by pausing while the owner is
 * away. Neither may grow the server's memory per connection nor stop the owner's program.
 */
@Tag("security")
class ViewerAttackTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long MiB = 1 << 20;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void viewersThatNeverReadPinNoCopyOfTheHistoryAndOneTooManyIsRefused(String mode) throws Exception {
        // A 6 MiB scrollback: more than the socket buffers on both ends take from a client that does
        // not read (the server bounds its own to 512 KiB), so a copy per client would have to stay
        // in the server's heap.
        int viewers = 50;
        try (TestServer server = TestServer.start("--native", mode, "--users", users().toString(), "--keep-alive", "60",
                "--scrollback", String.valueOf(6 * MiB),
                "--ping-interval", "600", "--max-clients-per-terminal", String.valueOf(viewers),
                "--max-guest-clients-per-user", String.valueOf(viewers + 10), "--", "sh")) {
            String alice = server.login("alice", "a");
            String bob = server.login("bob", "b");
            TtyClient owner = newTerminal(server, alice);
            String handle = Shell.terminalInfo(owner)[0];
            owner.keepOnlyRecentOutput(64 * 1024);
            owner.input("head -c 4700000 /dev/urandom | base64; echo fi''lled\r");
            owner.awaitOutput("filled\r\n", WAIT);
            String view = server.shareToken(handle, alice, "view");
            Terminal terminal = server.server().terminals().getFirst();
            long heapBefore = heapAfterGc();

            List<Socket> stuck = new ArrayList<>();
            for (int i = 0; i < viewers; i++) {
                stuck.add(joinWithoutReading(server, handle, bob, view));
            }
            await().atMost(WAIT).until(() -> terminal.attachedClients() == viewers + 1);
            long grown = heapAfterGc() - heapBefore;
            assertTrue(grown < 64 * MiB, viewers + " viewers of a full 6 MiB scrollback that never read grew the heap by "
                    + grown / MiB + " MB");

            TtyClient.Close refused = server.joinShared(handle, bob, view).awaitClose(WAIT);
            assertEquals(4009, refused.code(), refused.toString());
            assertTrue(refused.reason().contains("too many clients on this terminal"), refused.reason());

            owner.input("echo al''ive\r");
            owner.awaitOutput("alive\r\n", WAIT);
            for (Socket socket : stuck) {
                socket.close();
            }
            owner.close();
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void guestsInEveryGuestSeatCannotLockTheOwnerOutOfTheirTerminal(String mode) throws Exception {
        try (TestServer server = TestServer.start("--native", mode, "--users", users().toString(), "--keep-alive", "60",
                "--max-clients-per-terminal", "3", "--", "sh")) {
            String alice = server.login("alice", "a");
            String bob = server.login("bob", "b");
            TtyClient first = newTerminal(server, alice);
            String handle = Shell.terminalInfo(first)[0];
            String view = server.shareToken(handle, alice, "view");
            String control = server.shareToken(handle, alice, "control");
            first.abort(); // the owner's page reloads...
            Terminal terminal = server.server().terminals().getFirst();
            await().atMost(WAIT).until(() -> terminal.attachedClients() == 0);

            // ...and meanwhile the guests take every guest seat, one of them with control.
            List<TtyClient> guests = new ArrayList<>();
            for (String share : List.of(view, view, control)) {
                TtyClient guest = server.joinShared(handle, bob, share);
                Shell.terminalInfo(guest);
                guests.add(guest);
            }
            await().atMost(WAIT).until(() -> terminal.attachedClients() == 3);

            TtyClient reloaded = TtyClient.connect(URI.create(server.ws() + "?t=" + handle), Map.of("Cookie", alice))
                    .handshake(server.terminalToken(Map.of("Cookie", alice)), 80, 24);
            assertEquals("true", Shell.terminalInfo(reloaded)[1], "the owner is back on their terminal");
            reloaded.input("echo own''er\r");
            reloaded.awaitOutput("owner\r\n", WAIT);
            assertFalse(reloaded.isClosed());

            TtyClient.Close refused = server.joinShared(handle, bob, view).awaitClose(WAIT);
            assertEquals(4009, refused.code(), refused.toString());
            assertTrue(refused.reason().contains("3 guests attached"), refused.reason());
            guests.forEach(TtyClient::close);
            reloaded.close();
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void aGuestHasAsManyClientsOnOthersTerminalsAsAllowed(String mode) throws Exception {
        try (TestServer server = TestServer.start("--native", mode, "--users", users().toString(), "--keep-alive", "60",
                "--max-guest-clients-per-user", "2", "--", "sh")) {
            String alice = server.login("alice", "a");
            String bob = server.login("bob", "b");
            TtyClient owner = newTerminal(server, alice);
            String handle = Shell.terminalInfo(owner)[0];
            String view = server.shareToken(handle, alice, "view");
            TtyClient first = server.joinShared(handle, bob, view);
            TtyClient second = server.joinShared(handle, bob, view);
            Shell.terminalInfo(first);
            Shell.terminalInfo(second);

            TtyClient.Close refused = server.joinShared(handle, bob, view).awaitClose(WAIT);
            assertEquals(4009, refused.code(), refused.toString());
            assertTrue(refused.reason().contains("other users' terminals"), refused.reason());

            first.close();
            Shell.terminalInfo(server.joinShared(handle, bob, view));
            owner.close();
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void aPausedViewerCannotStopTheOwnersProgramWhileTheOwnerIsAway(String mode) throws Exception {
        Path go = dir.resolve("go");
        Path done = dir.resolve("done");
        try (TestServer server = TestServer.start("--native", mode, "--users", users().toString(), "--keep-alive", "60",
                "--", "sh")) {
            String alice = server.login("alice", "a");
            String bob = server.login("bob", "b");
            TtyClient owner = newTerminal(server, alice);
            String handle = Shell.terminalInfo(owner)[0];
            String view = server.shareToken(handle, alice, "view");
            TtyClient viewer = server.joinShared(handle, bob, view);
            Shell.terminalInfo(viewer);
            viewer.keepOnlyRecentOutput(64 * 1024);
            viewer.pause();

            // About 16 MB of output once the test says go, then a file to say it all went out.
            Path flood = dir.resolve("flood.sh");
            Files.writeString(flood, "while [ ! -e " + go + " ]; do sleep 0.1; done\n"
                    + "i=0; while [ $i -lt 2000 ]; do head -c 8000 /dev/zero | tr '\\0' x; echo; i=$((i+1)); done\n"
                    + "touch " + done + "\n");
            owner.input("sh " + flood + "\r");
            owner.awaitOutput("flood.sh\r\n", WAIT); // the echo of the line typed: the shell has it
            owner.close();
            await().atMost(WAIT).until(() -> server.server().terminals().getFirst().attachedClients() == 1);
            Files.createFile(go);

            await().atMost(WAIT).until(() -> Files.exists(done));
            TtyClient.Close close = viewer.awaitClose(WAIT);
            assertEquals(4007, close.code(), "the paused viewer fell behind and was let go: " + close);
        }
    }

    /**
     * A share-link viewer on a plain socket that upgrades, sends JSON_DATA and reads nothing more.
     * Its receive window is kept small (set before connecting), so what the server sends it stays
     * on the server, not in loopback's socket buffers, which could otherwise take a whole replay.
     */
    private static Socket joinWithoutReading(TestServer server, String handle, String cookie, String share)
            throws java.io.IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", server.server().port()), 10_000);
        String json = "{\"AuthToken\":\"" + server.terminalToken(Map.of("Cookie", cookie)) + "\",\"columns\":80,\"rows\":24,"
                + "\"share\":\"" + share + "\"}";
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + server.ws().getPath() + "?t=" + handle + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: tty\r\nCookie: " + cookie + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(ClientFrames.frame(0x82, json));
        out.flush();
        return socket;
    }

    private Path users() throws java.io.IOException {
        Path users = dir.resolve("users");
        if (!Files.exists(users)) {
            Files.writeString(users, "alice:" + org.mindrot.jbcrypt.BCrypt.hashpw("a", org.mindrot.jbcrypt.BCrypt.gensalt(4))
                    + "\nbob:" + org.mindrot.jbcrypt.BCrypt.hashpw("b", org.mindrot.jbcrypt.BCrypt.gensalt(4)) + "\n");
        }
        return users;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A new terminal of the user whose session cookie is {@code cookie}, with its client attached. */
    private static TtyClient newTerminal(TestServer server, String cookie) throws Exception {
        return TtyClient.connect(server.ws(), Map.of("Cookie", cookie))
                .handshake(server.terminalToken(Map.of("Cookie", cookie)), 80, 24);
    }
}
