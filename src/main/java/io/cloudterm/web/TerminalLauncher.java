package io.cloudterm.web;

import io.cloudterm.auth.Principal;
import io.cloudterm.auth.Secrets;
import io.cloudterm.io.ReadBuffers;
import io.cloudterm.protocol.JsonFactories;
import io.cloudterm.protocol.ServerMessages;
import io.cloudterm.protocol.TerminalSize;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import io.cloudterm.recording.AsciicastRecorder;
import io.cloudterm.terminal.Attachment;
import io.cloudterm.terminal.ClientRole;
import io.cloudterm.terminal.Scrollback;
import io.cloudterm.terminal.ScrollbackBudget;
import io.cloudterm.terminal.Seat;
import io.cloudterm.terminal.Terminal;
import io.cloudterm.terminal.TerminalClient;
import io.cloudterm.terminal.TerminalSettings;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts terminals as the server's configuration says and keeps the live ones by handle: a random,
 * unguessable name for the page's URL, so that a reload or a new connection can reattach. Only the
 * user who started a terminal may attach to it.
 */
final class TerminalLauncher {

    /** A live terminal, the name to reattach by, whose it is, and the links it is shared by. */
    record Live(String handle, Terminal terminal, Principal owner, Shares shares) {
    }

    /** How a client may use a terminal it reaches: as its owner, or through a share. */
    record Access(Live live, boolean writable, Optional<Shares.Share> share) {

        /** The owner's own access to a terminal. */
        static Access owner(Live live) {
            return new Access(live, true, Optional.empty());
        }

        /**
         * What the client may do on a server that is {@code readonly} or not: a guest through a
         * view-only link only watches, and cannot slow the program down for its owner.
         */
        ClientRole role(boolean readonly) {
            if (writable && !readonly) {
                return ClientRole.CONTROL;
            }
            return share.isPresent() ? ClientRole.VIEW : ClientRole.WATCH;
        }
    }

    /** Why a client cannot attach now. */
    static final class ClientLimitReached extends Exception {
        ClientLimitReached(String message) {
            super(message);
        }
    }

    /** Why no new terminal can start now. */
    static final class LimitReached extends Exception {
        LimitReached(String message) {
            super(message);
        }
    }

    /**
     * A terminal that could not start, with words for the client. The reason (a PATH searched, a
     * directory, an errno) describes the server, not the client's request, so it goes to the
     * server's log only.
     */
    static final class CannotStart extends Exception {
        CannotStart(String message) {
            super(message, null, false, false);
        }
    }

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(TerminalLauncher.class.getName());
    private static final java.util.regex.Pattern HANDLE = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{22}");

    private final ServerConfig config;
    private final PtySystem ptys;
    private final ReadBuffers buffers;
    private final TerminalSettings settings;
    private final ScrollbackBudget scrollbackBudget = new ScrollbackBudget();
    private final String title;
    private final byte[] preferences;
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    /** Recordings made by this server, by terminal handle: whose, and where (kept after the terminal ends). */
    private final Map<String, Recorded> recordings = new ConcurrentHashMap<>();

    /** A recording file and the user whose terminal it records. */
    record Recorded(String handle, Principal owner, java.nio.file.Path file, java.time.Instant started) {
    }
    /** Guards the counts below: a terminal is counted from before its spawn until it ends. */
    private final java.util.concurrent.locks.ReentrantLock counting = new java.util.concurrent.locks.ReentrantLock();
    private int counted;
    private final Map<String, Integer> countedPerUser = new HashMap<>();
    /** Clients each user has on other users' terminals; guarded by {@link #counting}. */
    private final Map<String, Integer> guestsPerUser = new HashMap<>();

    TerminalLauncher(ServerConfig config, PtySystem ptys, ReadBuffers buffers) {
        this.config = config;
        this.ptys = ptys;
        this.buffers = buffers;
        // --once and --exit-no-conn stop the server when clients leave: nothing to keep alive for.
        java.time.Duration keepAlive = config.once() || config.exitNoConn() ? java.time.Duration.ZERO
                : config.terminals().keepAlive();
        this.settings = TerminalSettings.defaults().withHangup(config.hangupSignal(), config.killGrace())
                .withKeepAlive(keepAlive).withMaxClients(config.clients().perTerminal());
        this.title = config.command().get(0) + " (" + hostName() + ")";
        this.preferences = ServerMessages.preferences(preferencesJson(config.clientOptions()));
    }

    /** Bytes of scrollback the terminals hold now (whole pages), for the metrics. */
    long scrollbackBytesHeld() {
        return (long) scrollbackBudget.pagesInUse() * scrollbackBudget.pageSize();
    }

    /**
     * Starts the command at {@code size} for {@code user}, with {@code extraArgs} (the page's ?arg=
     * values) appended. The child's environment names the user in {@code CLOUDTERM_USER}.
     */
    Live start(TerminalSize size, List<String> extraArgs, Principal user) throws CannotStart, LimitReached {
        try {
            return spawn(size, extraArgs, user);
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot start a terminal for " + (user.name().isEmpty() ? "an anonymous user" : user.name())
                    + ": " + e.getMessage());
            throw new CannotStart("cannot start the command " + config.command().get(0) + " (the server's log says why)");
        }
    }

    private Live spawn(TerminalSize size, List<String> extraArgs, Principal user) throws IOException, LimitReached {
        List<String> command = new ArrayList<>(config.command());
        if (config.urlArgs()) {
            command.addAll(extraArgs);
        }
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.remove(io.cloudterm.auth.BasicCredential.ENVIRONMENT_VARIABLE); // the server's login secret, not the shell's
        environment.put("TERM", config.terminalType());
        environment.put("CLOUDTERM_USER", user.name());
        PtySpec spec = new PtySpec(command, config.workingDirectory(), environment, size.columns(), size.rows());
        ServerConfig.TerminalLimits limits = config.terminals();
        reserve(user, limits); // spawns run in parallel; only the counting is one step
        boolean started = false;
        try {
            Scrollback scrollback = settings.keepAlive().isZero() || limits.scrollbackBytes() == 0 ? null
                    : new Scrollback(scrollbackBudget, limits.scrollbackBytes());
            String handle = Secrets.random128();
            AsciicastRecorder recorder = null;
            Terminal terminal;
            try {
                recorder = record(handle, user, size, environment);
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
            Live entry = new Live(handle, terminal, user, new Shares());
            if (recorder != null) {
                recordings.put(handle, new Recorded(handle, user, recorder.file(), terminal.startedAt()));
            }
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

    /** Counts a terminal about to start for {@code user}, or refuses it past the limits. */
    private void reserve(Principal user, ServerConfig.TerminalLimits limits) throws LimitReached {
        counting.lock();
        try {
            if (counted >= limits.max()) {
                throw new LimitReached("the server has its maximum of " + limits.max() + " terminals; end one first");
            }
            int mine = countedPerUser.getOrDefault(user.name(), 0);
            if (mine >= limits.maxPerUser()) {
                throw new LimitReached("you have " + mine + " terminals, the most allowed; end one first");
            }
            counted++;
            countedPerUser.put(user.name(), mine + 1);
        } finally {
            counting.unlock();
        }
    }

    private void unreserve(Principal user) {
        counting.lock();
        try {
            counted--;
            countedPerUser.computeIfPresent(user.name(), (name, n) -> n == 1 ? null : n - 1);
        } finally {
            counting.unlock();
        }
    }

    /**
     * Attaches {@code client} for {@code user} as {@code access} allows, greeted as a new or a
     * reattaching client. The terminal refuses clients past its own limits (closing them with
     * TOO_MANY_CLIENTS itself), which count its owner's clients apart from guests', so that guests
     * cannot lock the owner out; here a guest, on a terminal not its own, is also counted against
     * its user's limit for as long as it stays attached.
     */
    Attachment attach(Access access, Principal user, TerminalClient client, boolean reattached, TerminalSize size)
            throws IOException, ClientLimitReached {
        Live target = access.live();
        List<byte[]> greeting = greeting(target.handle(), reattached);
        ClientRole role = access.role(config.readonly());
        if (target.owner().name().equals(user.name())) {
            return target.terminal().attach(client, role, Seat.OWNER, greeting, size);
        }
        reserveGuest(user);
        Attachment attachment;
        try {
            attachment = target.terminal().attach(client, role, Seat.GUEST, greeting, size);
        } catch (IOException | RuntimeException e) {
            unreserveGuest(user);
            throw e;
        }
        attachment.whenDetached(() -> unreserveGuest(user));
        return attachment;
    }

    private void reserveGuest(Principal user) throws ClientLimitReached {
        int most = config.clients().guestsPerUser();
        counting.lock();
        try {
            int mine = guestsPerUser.getOrDefault(user.name(), 0);
            if (mine >= most) {
                throw new ClientLimitReached("you have " + mine + " clients on other users' terminals, the most allowed;"
                        + " close one first");
            }
            guestsPerUser.put(user.name(), mine + 1);
        } finally {
            counting.unlock();
        }
    }

    private void unreserveGuest(Principal user) {
        counting.lock();
        try {
            guestsPerUser.computeIfPresent(user.name(), (name, n) -> n == 1 ? null : n - 1);
        } finally {
            counting.unlock();
        }
    }

    /**
     * A recorder for a new terminal if --record asks for one: {@code <time>-<user>-<handle>.cast},
     * named so that a directory listing sorts by time and says whose each one is.
     */
    private AsciicastRecorder record(String handle, Principal user, TerminalSize size, Map<String, String> environment)
            throws IOException {
        if (config.recording().directory().isEmpty()) {
            return null;
        }
        String time = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .format(java.time.LocalDateTime.now());
        String who = user.name().isEmpty() ? "anonymous" : user.name().replaceAll("[^A-Za-z0-9._-]", "_");
        Map<String, String> env = new java.util.TreeMap<>();
        env.put("TERM", environment.get("TERM"));
        if (environment.containsKey("SHELL")) {
            env.put("SHELL", environment.get("SHELL"));
        }
        return AsciicastRecorder.create(config.recording().directory().get(), time + "-" + who + "-" + handle,
                size.columns(), size.rows(), env, title, config.recording().input());
    }

    /** The live terminal with this handle if {@code user} started it; others' look like none. */
    Optional<Live> find(String handle, Principal user) {
        return access(handle, user, "").filter(a -> a.share().isEmpty()).map(Access::live);
    }

    /**
     * How {@code user} may use the terminal {@code handle}: fully if it is theirs, as the share
     * allows if {@code shareToken} is one of its live share links, else not at all (no difference
     * between "not yours" and "does not exist").
     */
    Optional<Access> access(String handle, Principal user, String shareToken) {
        if (handle == null || !HANDLE.matcher(handle).matches()) {
            return Optional.empty();
        }
        Live entry = live.get(handle);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.owner().name().equals(user.name())) {
            return Optional.of(new Access(entry, true, Optional.empty()));
        }
        return entry.shares().find(shareToken).map(share -> new Access(entry, share.control(), Optional.of(share)));
    }

    /** The live terminals {@code user} started, oldest first. */
    List<Live> ownedBy(Principal user) {
        return live.values().stream().filter(l -> l.owner().name().equals(user.name()))
                .sorted(java.util.Comparator.comparing(l -> l.terminal().startedAt())).toList();
    }

    /** The recordings of {@code user}'s terminals made by this server, newest first. */
    List<Recorded> recordingsOf(Principal user) {
        return recordings.values().stream().filter(r -> r.owner().name().equals(user.name()))
                .sorted(java.util.Comparator.comparing(Recorded::started).reversed()).toList();
    }

    Optional<Recorded> recording(String handle, Principal user) {
        Recorded recorded = handle == null ? null : recordings.get(handle);
        return recorded != null && recorded.owner().name().equals(user.name()) ? Optional.of(recorded) : Optional.empty();
    }

    /** The command line terminals run, for listings. */
    String commandLine() {
        return String.join(" ", config.command());
    }

    /** What every client gets before output: SET_WINDOW_TITLE, SET_PREFERENCES, and which terminal. */
    List<byte[]> greeting(String handle, boolean reattached) {
        return List.of(ServerMessages.title(title), preferences, ServerMessages.terminalInfo(
                JsonFactories.BUILDERS.createObjectBuilder().add("terminal", handle).add("reattached", reattached).build()));
    }

    Set<Terminal> live() {
        return live.values().stream().map(Live::terminal).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * The -t key=value options as a JSON object: a value that is JSON (a number, true, an object)
     * stays typed, anything else is a string, as ttyd does.
     */
    static JsonObject preferencesJson(Map<String, String> options) {
        JsonObjectBuilder json = JsonFactories.BUILDERS.createObjectBuilder();
        options.forEach((key, value) -> {
            try (JsonReader reader = JsonFactories.READERS.createReader(new StringReader(value))) {
                json.add(key, reader.readValue());
            } catch (JsonException | IllegalStateException e) {
                json.add(key, value);
            }
        });
        return json.build();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
