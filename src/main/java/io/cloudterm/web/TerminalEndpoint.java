package io.cloudterm.web;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.auth.Authentication;
import io.cloudterm.auth.Principal;
import io.cloudterm.connection.Connection;
import io.cloudterm.gateway.HostHandles;
import io.cloudterm.protocol.ClientMessage;
import io.cloudterm.protocol.ClientMessages;
import io.cloudterm.protocol.CloseCodes;
import io.cloudterm.protocol.ProtocolException;
import io.cloudterm.terminal.Attachment;
import io.cloudterm.terminal.Terminal;
import io.cloudterm.terminal.Terminals;
import io.cloudterm.websocket.UpgradeListener;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One terminal WebSocket (a listener per connection): the upgrade checks, then, on the
 * {@link Connection} whatever carries it, the JSON_DATA handshake and turning each client message
 * into a call on its {@link Attachment}.
 */
final class TerminalEndpoint implements UpgradeListener {

    private static final Logger LOG = Logger.getLogger(TerminalEndpoint.class.getName());
    /** How the log names a visitor, who has no user name (never a share link's token). */
    private static final String VISITOR = "a visitor through a share link";
    static final String SUBPROTOCOL = "tty";
    private static final HeaderName SUBPROTOCOLS = HeaderNames.create("Sec-WebSocket-Protocol");
    /** Larger client messages are refused: a paste of this size is already absurd. */
    static final int MAX_MESSAGE_BYTES = 1 << 20;

    private final ServerContext server;
    /**
     * Who opened the connection; set at the upgrade. Null for a visitor: someone not signed in, let
     * in only by a share link open to anyone, to watch the one terminal it names.
     */
    private volatile Authentication.Known who;
    private String address = "-";
    private volatile Runnable forgetSession = () -> { };
    private long lastSessionTouch = System.nanoTime();
    private List<String> urlArgs = List.of();
    /** The handle of a live terminal the client asks to reattach to ({@code ?t=}), or null. */
    private String reattachTo;
    /** Behind a gateway: this host as the gateway names it, put in front of handles; null otherwise. */
    private String relayedAs;
    /** Undoes the watch on the share link this client came through (revoking it lets the client go). */
    private volatile Runnable forgetShare = () -> { };

    // Touched only by the connection's own thread, except where noted.
    private WsClient client;
    private volatile boolean slotTaken;
    private volatile boolean handshakeDone;
    private volatile Attachment attachment;
    private volatile boolean finished;
    /** A fragmented message being put together; made for the first fragment (most messages are whole). */
    private ByteArrayOutputStream fragments;
    private final java.util.concurrent.atomic.AtomicBoolean cleanedUp = new java.util.concurrent.atomic.AtomicBoolean();
    /** Completes when JSON_DATA came or the connection is over; until then a timer runs. */
    private final CompletableFuture<Void> greeted = new CompletableFuture<>();

    TerminalEndpoint(ServerContext server) {
        this.server = server;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers, PeerInfo remote) throws Refused {
        RequestAuth.RequestView view = new RequestAuth.RequestView(prologue.uriPath().path(),
                prologue.query().contains("t"), headers, remote);
        switch (server.auth().decide(view, RequestAuth.Purpose.UPGRADE)) {
            case RequestAuth.Allowed allowed -> who = allowed.who();
            case RequestAuth.Visitor visitor -> who = null;
            // Helidon then routes the request as plain HTTP, where AuthFilter answers the status.
            case RequestAuth.Refused refused -> throw new Refused(refused.refusal().reason());
            case RequestAuth.Open open -> throw new Refused("a terminal needs a user");
            case RequestAuth.Redirect redirect -> throw new Refused("log in first");
        }
        String full = server.slots().refusal();
        if (full != null) {
            throw new Refused(full);
        }
        urlArgs = prologue.query().all("arg", List::of);
        reattachTo = prologue.query().first("t").orElse(null);
        if (server.config().gateway().trust().isPresent()) {
            // Behind a gateway: handles carry this host's name as the gateway dialed it (its signed Host).
            relayedAs = headers.first(HeaderNames.HOST).orElse(null);
            reattachTo = reattachTo == null ? null : HostHandles.bare(reattachTo);
        }
        boolean offersTty = headers.first(SUBPROTOCOLS).stream()
                .flatMap(value -> java.util.Arrays.stream(value.split(",")))
                .anyMatch(p -> p.trim().equals(SUBPROTOCOL));
        if (!offersTty) {
            return Optional.empty();
        }
        WritableHeaders<?> answer = WritableHeaders.create();
        answer.set(SUBPROTOCOLS, SUBPROTOCOL);
        return Optional.of(answer);
    }

    @Override
    public void opened(Connection connection) {
        client = new WsClient(connection);
        if (!server.slots().take()) {
            client.close(CloseCodes.TRY_AGAIN_LATER, "the server is full; try again later");
            finished = true;
            return;
        }
        slotTaken = true;
        address = Peer.of(connection).address();
        if (who != null) {
            forgetSession = server.gate().authenticator().onRevoke(who,
                    () -> fail(CloseCodes.SESSION_ENDED, "logged out, the session expired, or the account changed"));
        }
        // The connection's end is the one sure sign that the client is gone.
        server.heartbeat().watch(client, this::cleanUp);
        // Completed at the handshake or the end, which cancels the timer: a timer left to run out
        // would hold this endpoint, and the closed connection with it, for its whole time.
        Duration greeting = server.config().timers().greeting();
        greeted.orTimeout(greeting.toMillis(), TimeUnit.MILLISECONDS).whenComplete((done, timeout) -> {
            if (timeout != null && !handshakeDone && !finished) {
                Thread.ofVirtual().start(() -> fail(CloseCodes.TIMEOUT, "no JSON_DATA within "
                        + (greeting.toMillis() % 1000 == 0 ? greeting.toSeconds() + " s" : greeting.toMillis() + " ms")));
            }
        });
    }

    @Override
    public void message(ByteBuffer piece, boolean last) {
        client.heard();
        if (finished) {
            return;
        }
        int size = piece.remaining();
        int pending = fragments == null ? 0 : fragments.size();
        if (pending + size > MAX_MESSAGE_BYTES) {
            fail(CloseCodes.TOO_BIG, "message larger than " + MAX_MESSAGE_BYTES + " bytes");
            return;
        }
        // The one copy of a keystroke on its way in: the piece is the connection's read buffer.
        byte[] bytes = new byte[size];
        piece.get(bytes);
        if (last && pending == 0) {
            handle(bytes);
            return;
        }
        if (fragments == null) {
            fragments = new ByteArrayOutputStream();
        }
        fragments.writeBytes(bytes);
        if (last) {
            byte[] whole = fragments.toByteArray();
            fragments = null;
            handle(whole);
        }
    }

    @Override
    public void heard() {
        client.heard();
    }

    @Override
    public void closed(int status, String reason) {
        // Our answer to the client's close frame, with our own reason.
        client.close(CloseCodes.NORMAL, "bye");
        cleanUp();
    }

    @Override
    public void error(Throwable t) {
        LOG.log(Level.FINE, "terminal WebSocket failed", t);
        cleanUp();
    }

    private void handle(byte[] message) {
        ClientMessage decoded;
        try {
            decoded = ClientMessages.decode(message, handshakeDone);
        } catch (ProtocolException e) {
            fail(e.closeCode(), e.getMessage());
            return;
        }
        switch (decoded) {
            case ClientMessage.Handshake handshake -> startTerminal(handshake);
            case ClientMessage.Input input -> {
                keepSessionAlive();
                attachment.input(input.bytes());
            }
            case ClientMessage.Resize resize -> attachment.resize(resize.size());
            case ClientMessage.Pause pause -> attachment.pause();
            case ClientMessage.Resume resume -> attachment.resume();
        }
    }

    private void startTerminal(ClientMessage.Handshake handshake) {
        handshakeDone = true;
        greeted.complete(null);
        if (who == null) {
            visit(handshake);
            return;
        }
        Principal principal = who.principal();
        // Behind a gateway the page's token is the gateway's, which it checked with the upgrade's
        // Origin and session; the host holds the gateway's signature instead, checked at the upgrade.
        if (relayedAs == null && !server.gate().authenticator().terminalTokenValid(handshake.authToken(), principal)) {
            fail(CloseCodes.AUTH_FAILED, "invalid AuthToken; fetch a fresh one from the token endpoint");
            return;
        }
        if (reattachTo != null) {
            Optional<Terminals.Access> access = server.launcher().terminals().access(reattachTo, principal.name(), handshake.share());
            if (access.isEmpty()) {
                fail(CloseCodes.NO_SUCH_TERMINAL, "no such terminal: it has ended, or it is not yours");
                return;
            }
            letGoOnRevoke(access.get());
            attach(access.get(), true, handshake);
            return;
        }
        Terminals.Live live;
        try {
            live = server.launcher().start(handshake.size(), urlArgs, principal.name());
        } catch (Terminals.LimitReached e) {
            fail(CloseCodes.TOO_MANY_TERMINALS, e.getMessage());
            return;
        } catch (Terminals.CannotStart e) {
            fail(CloseCodes.SPAWN_FAILED, e.getMessage());
            return;
        }
        Terminal terminal = live.terminal();
        String user = principal.name();
        Audit.terminalStarted(terminal, user, address, handshake.size());
        attach(Terminals.Access.owner(live), false, handshake);
    }

    /**
     * A visitor's JSON_DATA: its share token must be a live link to the terminal named in the URL,
     * open to anyone; then it watches that terminal, and nothing else (no AuthToken to check: the
     * link is the credential, and the upgrade's Origin was checked). A link that needs a login says
     * so, for the page to send its holder to log in; anything else looks like no terminal at all.
     */
    private void visit(ClientMessage.Handshake handshake) {
        Optional<Terminals.Access> access = reattachTo == null ? Optional.empty()
                : server.launcher().terminals().throughShare(reattachTo, handshake.share());
        if (access.isEmpty()) {
            fail(CloseCodes.NO_SUCH_TERMINAL, "no such terminal: it has ended, or the link is not valid");
            return;
        }
        if (!access.get().share().orElseThrow().openToAnyone()) {
            fail(CloseCodes.LOGIN_REQUIRED, "this share link is for signed-in users; log in first");
            return;
        }
        letGoOnRevoke(access.get());
        try {
            attachment = server.launcher().attachVisitor(access.get(), client, handshake.size(), access.get().live().handle(),
                    ownerShownAs(access.get()));
        } catch (IOException e) {
            cleanUp();
            return;
        }
        if (attachment.attached()) {
            Audit.terminalReattached(access.get().live().terminal().id(), VISITOR, address);
        }
    }

    /** Revoking the share link this client came through (if it did) lets it go. */
    private void letGoOnRevoke(Terminals.Access access) {
        access.share().ifPresent(share -> forgetShare = access.live().shares().onRevoke(share.id(),
                () -> fail(CloseCodes.NO_SUCH_TERMINAL, "the share link was revoked")));
    }

    /**
     * The owner's name as a guest reads it. The access token's holders are all one user, whose name
     * ("token") tells a guest nothing; a host behind a gateway, or in an application that signs its
     * users in, has their real names.
     */
    private String ownerShownAs(Terminals.Access access) {
        String owner = access.live().owner();
        boolean tokenHolder = !server.auth().hostSignsIn() && server.gate().authenticator().mode() == AuthMode.TOKEN;
        return owner.isEmpty() || tokenHolder ? "the owner" : owner;
    }

    private void attach(Terminals.Access access, boolean reattached, ClientMessage.Handshake handshake) {
        Terminal terminal = access.live().terminal();
        try {
            String handle = access.live().handle();
            attachment = server.launcher().attach(access, who.principal().name(), client, reattached, handshake.size(),
                    relayedAs == null ? handle : HostHandles.named(relayedAs, handle), ownerShownAs(access));
        } catch (Terminals.ClientLimitReached e) {
            fail(CloseCodes.TOO_MANY_CLIENTS, e.getMessage());
            return;
        } catch (IOException e) {
            if (!reattached) {
                terminal.hangUp();
            }
            cleanUp();
            return;
        }
        if (reattached && attachment.attached()) { // not if the terminal refused it (ended, or full)
            Audit.terminalReattached(terminal.id(), who.principal().name(), address);
            if (attachment.writable()) {
                // The history is raw output: a full-screen program must draw itself anew, at this size.
                terminal.redraw();
            }
        }
    }

    /**
     * Typing counts as using the session, so an idle timeout does not end a session whose terminal
     * is busy being used; checked at most once a minute to keep it off the hot path.
     */
    private void keepSessionAlive() {
        if (who == null) {
            return; // a visitor: no session, and its input reaches nothing anyway
        }
        Optional<String> sessionId = who.sessionId();
        long now = System.nanoTime();
        if (sessionId.isPresent() && now - lastSessionTouch > TimeUnit.MINUTES.toNanos(1)) {
            lastSessionTouch = now;
            server.gate().authenticator().sessions().find(sessionId.get());
        }
    }

    /** Closes with a code and reason; the terminal (if any) is hung up. */
    private void fail(int code, String reason) {
        client.close(code, reason);
        cleanUp();
    }

    private void cleanUp() {
        if (!cleanedUp.compareAndSet(false, true)) {
            return;
        }
        finished = true;
        greeted.complete(null);
        forgetSession.run();
        forgetShare.run();
        Attachment current = attachment;
        if (current != null) {
            current.detach();
        }
        if (client != null) {
            server.heartbeat().forget(client);
        }
        if (slotTaken) {
            server.slots().release();
        }
    }
}
