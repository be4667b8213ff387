package io.cloudterm.terminal;

import io.cloudterm.io.ReadBuffers;
import io.cloudterm.protocol.TerminalSize;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import io.cloudterm.recording.AsciicastRecorder;
import io.cloudterm.recording.Recordings;
import java.io.IOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The live terminals of one server, by handle: a random, unguessable name for the page's URL, so
 * that a reload or a new connection can reattach. Only the user who started a terminal may attach
 * to it, or someone holding one of its share links (see {@link Shares}). Counts terminals against a total and a per-user
 * limit, and each user's clients on other users' terminals against a limit of their own.
 *
 * <p>A user is the plain name the caller gives (empty for the anonymous user): who a request is
 * was decided above this package.
 */
public final class Terminals {

    /**
     * How many terminals may live at once, on the whole server and per user, and how many clients a
     * user may have attached to other users' terminals.
     */
    public record Limits(int max, int maxPerUser, int guestsPerUser) {
    }

    /**
     * A live terminal, the name to reattach by, whose it is, the links it is shared by, and the
     * guests in control of it now.
     */
    public record Live(String handle, Terminal terminal, String owner, Shares shares, Controllers controllers) {
    }

    /** How a client may use a terminal it reaches: as its owner, or through a share. */
    public record Access(Live live, boolean writable, Optional<Shares.Share> share) {

        /** The owner's own access to a terminal. */
        public static Access owner(Live live) {
            return new Access(live, true, Optional.empty());
        }

        /**
         * What the client may do on a server that is {@code readonly} or not: a guest through a
         * view-only link only watches, and cannot slow the program down for its owner.
         */
        public ClientRole role(boolean readonly) {
            if (writable && !readonly) {
                return ClientRole.CONTROL;
            }
            return share.isPresent() ? ClientRole.VIEW : ClientRole.WATCH;
        }
    }

    /** Why a client cannot attach now. */
    public static final class ClientLimitReached extends Exception {
        ClientLimitReached(String message) {
            super(message);
        }
    }

    /** Why no new terminal can start now. */
    public static final class LimitReached extends Exception {
        LimitReached(String message) {
            super(message);
        }
    }

    /**
     * A terminal that could not start, with words for the client. The reason (a PATH searched, a
     * directory, an errno) describes the server, not the client's request, so it goes to the
     * server's log only.
     */
    public static final class CannotStart extends Exception {
        CannotStart(String message) {
            super(message, null, false, false);
        }
    }

    private static final Logger LOG = Logger.getLogger(Terminals.class.getName());
    private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9_-]{22}");

    private final PtySystem ptys;
    private final ReadBuffers buffers;
    private final TerminalSettings settings;
    private final Limits limits;
    private final int scrollbackBytes;
    private final ScrollbackBudget scrollbackBudget = new ScrollbackBudget();
    private final String title;
    private final Optional<Recordings> recordings;
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    /** Guards the counts below: a terminal is counted from before its spawn until it ends. */
    private final ReentrantLock counting = new ReentrantLock();
    private int counted;
    private final Map<String, Integer> countedPerUser = new HashMap<>();
    /** Clients each user has on other users' terminals; guarded by {@link #counting}. */
    private final Map<String, Integer> guestsPerUser = new HashMap<>();

    /**
     * Terminals that behave as {@code settings} say, each keeping {@code scrollbackBytes} of history
     * for reattaching clients (none if zero or without keep-alive), titled {@code title}, recorded
     * in {@code recordings} if present.
     */
    public Terminals(PtySystem ptys, ReadBuffers buffers, TerminalSettings settings, Limits limits,
                     int scrollbackBytes, String title, Optional<Recordings> recordings) {
        this.ptys = ptys;
        this.buffers = buffers;
        this.settings = settings;
        this.limits = limits;
        this.scrollbackBytes = scrollbackBytes;
        this.title = title;
        this.recordings = recordings;
    }

    /** Starts {@code spec} for {@code user}, or says why not. */
    public Live start(PtySpec spec, String user) throws CannotStart, LimitReached {
        try {
            return spawn(spec, user);
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot start a terminal for " + (user.isEmpty() ? "an anonymous user" : user)
                    + ": " + e.getMessage());
            throw new CannotStart("cannot start the command " + spec.command().get(0) + " (the server's log says why)");
        }
    }

    private Live spawn(PtySpec spec, String user) throws IOException, LimitReached {
        reserve(user); // spawns run in parallel; only the counting is one step
        boolean started = false;
        try {
            Scrollback scrollback = settings.keepAlive().isZero() || scrollbackBytes == 0 ? null
                    : new Scrollback(scrollbackBudget, scrollbackBytes);
            String handle = Shares.random(16);
            AsciicastRecorder recorder = null;
            Terminal terminal;
            try {
                recorder = record(handle, user, spec);
                terminal = Terminal.start(ptys, spec, title, buffers, settings, scrollback, recorder);
            } catch (IOException | RuntimeException e) {
                if (scrollback != null) {
                    scrollback.release();
                }
                if (recorder != null) {
                    recorder.close();
                }
                throw e;
            }
            Live entry = new Live(handle, terminal, user, new Shares(), new Controllers());
            live.put(handle, entry);
            terminal.ended().thenRun(() -> {
                live.remove(handle);
                unreserve(user);
            });
            started = true;
            return entry;
        } finally {
            if (!started) {
                unreserve(user);
            }
        }
    }

    /** A recorder for a new terminal if this server records, with the environment a player shows. */
    private AsciicastRecorder record(String handle, String user, PtySpec spec) throws IOException {
        if (recordings.isEmpty()) {
            return null;
        }
        Map<String, String> env = new TreeMap<>();
        for (String name : List.of("TERM", "SHELL")) {
            String value = spec.environment().get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        return recordings.get().start(handle, user, spec.columns(), spec.rows(), env, title);
    }

    /** Counts a terminal about to start for {@code user}, or refuses it past the limits. */
    private void reserve(String user) throws LimitReached {
        counting.lock();
        try {
            if (counted >= limits.max()) {
                throw new LimitReached("the server has its maximum of " + limits.max() + " terminals; end one first");
            }
            int mine = countedPerUser.getOrDefault(user, 0);
            if (mine >= limits.maxPerUser()) {
                throw new LimitReached("you have " + mine + " terminals, the most allowed; end one first");
            }
            counted++;
            countedPerUser.put(user, mine + 1);
        } finally {
            counting.unlock();
        }
    }

    private void unreserve(String user) {
        counting.lock();
        try {
            counted--;
            countedPerUser.computeIfPresent(user, (name, n) -> n == 1 ? null : n - 1);
        } finally {
            counting.unlock();
        }
    }

    /**
     * Attaches {@code client} for {@code user} as {@code access} allows, in {@code role}, greeted with
     * {@code greeting}. The terminal refuses clients past its own limits (closing them with
     * TOO_MANY_CLIENTS itself), which count its owner's clients apart from guests', so that guests
     * cannot lock the owner out; here a guest, on a terminal not its own, is also counted against
     * its user's limit for as long as it stays attached.
     */
    public Attachment attach(Access access, String user, TerminalClient client, ClientRole role,
                             List<byte[]> greeting, TerminalSize size) throws IOException, ClientLimitReached {
        Live target = access.live();
        if (target.owner().equals(user)) {
            return target.terminal().attach(client, role, Seat.OWNER, greeting, size);
        }
        reserveGuest(user);
        // Before the attach: its greeting tells the page it is in control, and the page acts on that at once.
        Runnable leave = role.writable() && access.share().isPresent()
                ? target.controllers().arrive(user, access.share().get()) : () -> { };
        Attachment attachment;
        try {
            attachment = target.terminal().attach(client, role, Seat.GUEST, greeting, size);
        } catch (IOException | RuntimeException e) {
            leave.run();
            unreserveGuest(user);
            throw e;
        }
        attachment.whenDetached(() -> {
            leave.run();
            unreserveGuest(user);
        });
        return attachment;
    }

    /**
     * Attaches {@code client} of someone nobody knows, holding a share link that is open to anyone
     * ({@link Shares.Share#openToAnyone}): in a guest seat, so the terminal's guest limit bounds
     * such visitors and they cannot lock its owner out. No user is counted, there being none: the
     * server's limit on connections bounds visitors across terminals.
     *
     * @throws IllegalArgumentException if {@code access} is not through such a share
     */
    public Attachment attachVisitor(Access access, TerminalClient client, ClientRole role, List<byte[]> greeting,
                                    TerminalSize size) throws IOException {
        if (access.share().filter(Shares.Share::openToAnyone).isEmpty() || role.writable()) {
            throw new IllegalArgumentException("a visitor only watches, through a share link open to anyone");
        }
        return access.live().terminal().attach(client, role, Seat.GUEST, greeting, size);
    }

    private void reserveGuest(String user) throws ClientLimitReached {
        int most = limits.guestsPerUser();
        counting.lock();
        try {
            int mine = guestsPerUser.getOrDefault(user, 0);
            if (mine >= most) {
                throw new ClientLimitReached("you have " + mine + " clients on other users' terminals, the most allowed;"
                        + " close one first");
            }
            guestsPerUser.put(user, mine + 1);
        } finally {
            counting.unlock();
        }
    }

    private void unreserveGuest(String user) {
        counting.lock();
        try {
            guestsPerUser.computeIfPresent(user, (name, n) -> n == 1 ? null : n - 1);
        } finally {
            counting.unlock();
        }
    }

    /** The live terminal with this handle if {@code user} started it; others' look like none. */
    public Optional<Live> find(String handle, String user) {
        return access(handle, user, "").filter(a -> a.share().isEmpty()).map(Access::live);
    }

    /**
     * The live terminal with this handle if {@code user} started it, or is in control of it right
     * now: attached with control through one of its share links that still exists. Others' look
     * like none, and so does this one once that user's last such client has gone or their link was
     * revoked.
     */
    public Optional<Live> controlledBy(String handle, String user) {
        return entry(handle).filter(entry -> entry.owner().equals(user) || entry.controllers().includes(user, entry.shares()));
    }

    /**
     * How {@code user} may use the terminal {@code handle}: fully if it is theirs, as the share
     * allows if {@code shareToken} is one of its live share links, else not at all (no difference
     * between "not yours" and "does not exist").
     */
    public Optional<Access> access(String handle, String user, String shareToken) {
        Optional<Live> entry = entry(handle);
        if (entry.isPresent() && entry.get().owner().equals(user)) {
            return Optional.of(Access.owner(entry.get()));
        }
        return throughShare(handle, shareToken);
    }

    /**
     * What a share token alone gives, whoever holds it: the access of the live share of terminal
     * {@code handle} it stands for, whether or not that share is open to anyone (the caller, which
     * knows whether its client is signed in, decides); empty for no such terminal or share.
     */
    public Optional<Access> throughShare(String handle, String shareToken) {
        return entry(handle).flatMap(entry -> entry.shares().find(shareToken)
                .map(share -> new Access(entry, share.control(), Optional.of(share))));
    }

    /** The live terminal with this handle, whoever asks: for the checks above only. */
    private Optional<Live> entry(String handle) {
        if (handle == null || !HANDLE.matcher(handle).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(live.get(handle));
    }

    /** The live terminals {@code user} started, oldest first. */
    public List<Live> ownedBy(String user) {
        return live.values().stream().filter(l -> l.owner().equals(user))
                .sorted(Comparator.comparing(l -> l.terminal().startedAt())).toList();
    }

    /** Hangs up every terminal {@code user} started (their share links go with them). */
    public void hangUpAllOf(String user) {
        ownedBy(user).forEach(l -> l.terminal().hangUp());
    }

    /** Bytes of scrollback the terminals hold now (whole pages and opening arrays), for the metrics. */
    public long scrollbackBytesHeld() {
        return scrollbackBudget.bytesHeld();
    }

    public Set<Terminal> live() {
        return live.values().stream().map(Live::terminal).collect(Collectors.toUnmodifiableSet());
    }
}
