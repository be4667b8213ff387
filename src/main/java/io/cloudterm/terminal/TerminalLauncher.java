package io.cloudterm.terminal;

import io.cloudterm.config.ServerConfig;
import io.cloudterm.io.ReadBuffers;
import io.cloudterm.protocol.JsonFactories;
import io.cloudterm.protocol.ServerMessages;
import io.cloudterm.protocol.TerminalSize;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import io.cloudterm.recording.Recordings;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's configuration applied to {@link Terminals} and {@link Recordings}: the command line
 * and the child's environment of each terminal, the limits, and what each client is greeted with.
 */
public final class TerminalLauncher {

    private final ServerConfig config;
    private final Terminals terminals;
    private final Optional<Recordings> recordings;
    private final String title;
    private final byte[] preferences;
    /** A directory of CloudTerm's own commands for the terminals (cloudterm-download), at the end of their PATH. */
    private final Optional<Path> commands;

    /** @throws IllegalArgumentException if the --record directory cannot be listed */
    public TerminalLauncher(ServerConfig config, PtySystem ptys, ReadBuffers buffers) {
        this(config, ptys, buffers, Optional.empty());
    }

    /**
     * As {@link #TerminalLauncher(ServerConfig, PtySystem, ReadBuffers)}, with {@code commands}
     * appended to each terminal's PATH: appended, so that it never hides a program the user has.
     */
    public TerminalLauncher(ServerConfig config, PtySystem ptys, ReadBuffers buffers, Optional<Path> commands) {
        this.config = config;
        this.commands = commands;
        // --once and --exit-no-conn stop the server when clients leave: nothing to keep alive for.
        Duration keepAlive = config.once() || config.exitNoConn() ? Duration.ZERO : config.terminals().keepAlive();
        TerminalSettings settings = TerminalSettings.defaults().withHangup(config.hangupSignal(), config.killGrace())
                .withKeepAlive(keepAlive).withMaxClients(config.clients().perTerminal());
        this.title = config.command().get(0) + " (" + hostName() + ")";
        this.preferences = ServerMessages.preferences(preferencesJson(config.clientOptions()));
        this.recordings = config.recording().directory().map(directory -> {
            try {
                return Recordings.open(directory, config.recording().input(), Recordings.DEFAULT_MAX_ENTRIES);
            } catch (IOException e) {
                throw new IllegalArgumentException("--record " + directory + " cannot be listed: " + e.getMessage(), e);
            }
        });
        ServerConfig.TerminalLimits limits = config.terminals();
        this.terminals = new Terminals(ptys, buffers, settings,
                new Terminals.Limits(limits.max(), limits.maxPerUser(), config.clients().guestsPerUser()),
                limits.scrollbackBytes(), title, recordings);
    }

    public Terminals terminals() {
        return terminals;
    }

    /** The recordings this server offers, if it records. */
    public Optional<Recordings> recordings() {
        return recordings;
    }

    /** Bytes of scrollback the terminals hold now (whole pages), for the metrics. */
    public long scrollbackBytesHeld() {
        return terminals.scrollbackBytesHeld();
    }

    /**
     * Starts the command at {@code size} for {@code user}, with {@code extraArgs} (the page's ?arg=
     * values) appended if the server allows them. The child's environment names the user in
     * {@code CLOUDTERM_USER}, and never holds the server's own login secret.
     */
    public Terminals.Live start(TerminalSize size, List<String> extraArgs, String user)
            throws Terminals.CannotStart, Terminals.LimitReached {
        List<String> command = new ArrayList<>(config.command());
        if (config.urlArgs()) {
            command.addAll(extraArgs);
        }
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.keySet().removeAll(config.withheldEnvironment());
        environment.put("TERM", config.terminalType());
        environment.put("CLOUDTERM_USER", user);
        commands.ifPresent(directory -> {
            environment.merge("PATH", directory.toString(), (path, own) -> path.isEmpty() ? own : path + ":" + own);
            // A login profile may set PATH anew (Debian's /etc/profile does): this names the directory for it,
            environment.put("CLOUDTERM_BIN", directory.toString());
            // and bash, the usual login shell, imports this function before any profile runs, so the
            // command works in a login shell whatever its profile does to PATH.
            environment.put("BASH_FUNC_cloudterm-download%%", "() { \"$CLOUDTERM_BIN/cloudterm-download\" \"$@\"; }");
        });
        return terminals.start(new PtySpec(command, config.workingDirectory(), environment, size.columns(), size.rows()),
                user);
    }

    /**
     * Attaches {@code client} for {@code user} as {@code access} allows, greeted as a new or a
     * reattaching client; {@code shownHandle} is the terminal's handle as the client is to know it
     * (behind a gateway, with the host's name in front), {@code ownerShownAs} its owner's name as a
     * guest is to read it.
     */
    public Attachment attach(Terminals.Access access, String user, TerminalClient client, boolean reattached, TerminalSize size,
                             String shownHandle, String ownerShownAs) throws IOException, Terminals.ClientLimitReached {
        ClientRole role = access.role(config.readonly());
        return terminals.attach(access, user, client, role, greeting(shownHandle, reattached, access, role, ownerShownAs), size);
    }

    /** As {@link #attach}, for someone nobody knows, through a share link open to anyone: see {@link Terminals#attachVisitor}. */
    public Attachment attachVisitor(Terminals.Access access, TerminalClient client, TerminalSize size, String shownHandle,
                                    String ownerShownAs) throws IOException {
        ClientRole role = access.role(config.readonly());
        return terminals.attachVisitor(access, client, role, greeting(shownHandle, true, access, role, ownerShownAs), size);
    }

    /** The command line terminals run, for listings. */
    public String commandLine() {
        return String.join(" ", config.command());
    }

    /**
     * The home directory the terminals' programs run with (their {@code HOME}, the server's own,
     * as {@link #start} passes its environment on), for listings that show directories under it as ~.
     */
    public String home() {
        String home = System.getenv("HOME");
        return home != null && !home.isEmpty() && !config.withheldEnvironment().contains("HOME") ? home
                : System.getProperty("user.home", "");
    }

    /**
     * What every client gets before output: SET_WINDOW_TITLE, SET_PREFERENCES, and which terminal,
     * with what the client may do there and, through a share, whose it is.
     */
    private List<byte[]> greeting(String handle, boolean reattached, Terminals.Access access, ClientRole role,
                                  String ownerShownAs) {
        String roleName = !role.writable() ? "viewer" : access.share().isPresent() ? "controller" : "owner";
        String sharedBy = access.share().isPresent() ? ownerShownAs : null;
        return List.of(ServerMessages.title(title), preferences, ServerMessages.terminalInfo(handle, reattached, roleName, sharedBy,
                config.clipboard().read()));
    }

    /**
     * The -t key=value options as a JSON object: a value that is JSON (a number, true, an object)
     * stays typed, anything else is a string, as ttyd does.
     */
    private static JsonObject preferencesJson(Map<String, String> options) {
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
