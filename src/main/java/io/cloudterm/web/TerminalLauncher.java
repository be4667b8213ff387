package io.cloudterm.web;

import io.cloudterm.auth.Principal;
import io.cloudterm.io.BufferPool;
import io.cloudterm.protocol.ServerMessages;
import io.cloudterm.protocol.TerminalSize;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import io.cloudterm.terminal.Terminal;
import io.cloudterm.terminal.TerminalSettings;
import jakarta.json.Json;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Starts terminals as the server's configuration says, and keeps the set of live ones. */
final class TerminalLauncher {

    private final ServerConfig config;
    private final PtySystem ptys;
    private final BufferPool buffers;
    private final TerminalSettings settings;
    private final String title;
    private final byte[] preferences;
    private final Set<Terminal> live = ConcurrentHashMap.newKeySet();

    TerminalLauncher(ServerConfig config, PtySystem ptys, BufferPool buffers) {
        this.config = config;
        this.ptys = ptys;
        this.buffers = buffers;
        this.settings = TerminalSettings.defaults().withHangup(config.hangupSignal(), config.killGrace());
        this.title = config.command().get(0) + " (" + hostName() + ")";
        this.preferences = ServerMessages.preferences(preferencesJson(config.clientOptions()));
    }

    /**
     * Starts the command at {@code size} for {@code user}, with {@code extraArgs} (the page's ?arg=
     * values) appended. The child's environment names the user in {@code CLOUDTERM_USER}.
     */
    Terminal start(TerminalSize size, List<String> extraArgs, Principal user) throws IOException {
        List<String> command = new ArrayList<>(config.command());
        if (config.urlArgs()) {
            command.addAll(extraArgs);
        }
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("TERM", config.terminalType());
        environment.put("CLOUDTERM_USER", user.name());
        PtySpec spec = new PtySpec(command, config.workingDirectory(), environment, size.columns(), size.rows());
        Terminal terminal = Terminal.start(ptys, spec, title, buffers, settings);
        live.add(terminal);
        terminal.ended().thenRun(() -> live.remove(terminal));
        return terminal;
    }

    /** What every client gets before output: SET_WINDOW_TITLE and SET_PREFERENCES. */
    List<byte[]> greeting() {
        return List.of(ServerMessages.title(title), preferences);
    }

    Set<Terminal> live() {
        return live;
    }

    /**
     * The -t key=value options as a JSON object: a value that is JSON (a number, true, an object)
     * stays typed, anything else is a string, as ttyd does.
     */
    static JsonObject preferencesJson(Map<String, String> options) {
        JsonObjectBuilder json = Json.createObjectBuilder();
        options.forEach((key, value) -> {
            try (JsonReader reader = Json.createReader(new StringReader(value))) {
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
