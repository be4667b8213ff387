package io.cloudterm.terminal;

import io.cloudterm.auth.AuthMode;
import io.cloudterm.bench.jmh.QuietPtySystem;
import io.cloudterm.config.ServerConfig;
import io.cloudterm.io.BufferPool;
import io.cloudterm.io.ReadBuffers;
import io.cloudterm.protocol.TerminalSize;
import io.cloudterm.pty.NativeMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Finding a terminal: {@code Terminals.find} by handle among 1,000 live terminals (each
 * owner has 10), as every WebSocket connection and API call does, and {@code Shares.find} of a
 * share token on a terminal shared 10 times (attaching through a share link). The terminals are
 * real {@link Terminal}s on {@link QuietPtySystem} ptys (no processes), started through the
 * launcher; handles are looked up in a shuffled order.
 *
 * <p>References, in the same run: {@code ref_concurrentHashMapGet} (the launcher's table alone: a
 * {@link ConcurrentHashMap} get by handle), {@code ref_handleRegex} (the handle's format check
 * alone) and {@code ref_sha256Product} ({@code Secrets.sha256} of a share token: what one share
 * lookup must do whatever the number of shares).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TerminalLookupBench {

    private static final int TERMINALS = 1000;
    private static final int PER_OWNER = 10;
    private static final int SHARES = 10;
    private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9_-]{22}");

    private TerminalLauncher launcher;
    private final Map<String, Terminals.Live> table = new ConcurrentHashMap<>();
    private String[] handles;
    private String[] owners;
    private Shares shares;
    private String[] shareTokens;
    private int next;
    private int nextShare;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ServerConfig config = ServerConfig.builder().port(0).command(List.of("sh")).workingDirectory(Path.of("/"))
                .authMode(AuthMode.NONE).killGrace(Duration.ofSeconds(1)).nativeMode(NativeMode.OFF)
                .terminals(new ServerConfig.TerminalLimits(Duration.ofMinutes(10), 0, TERMINALS, PER_OWNER))
                .build();
        launcher = new TerminalLauncher(config, new QuietPtySystem(), new ReadBuffers(new BufferPool(16 * 1024, 64), new BufferPool(1024, 64)));
        List<Integer> order = new ArrayList<>();
        List<Terminals.Live> started = new ArrayList<>();
        for (int i = 0; i < TERMINALS; i++) {
            Terminals.Live live = launcher.start(new TerminalSize(80, 24), List.of(),
                    "user" + i / PER_OWNER);
            started.add(live);
            table.put(live.handle(), live);
            order.add(i);
        }
        Collections.shuffle(order, new Random(42));
        handles = new String[TERMINALS];
        owners = new String[TERMINALS];
        for (int i = 0; i < TERMINALS; i++) {
            Terminals.Live live = started.get(order.get(i));
            handles[i] = live.handle();
            owners[i] = live.owner();
        }
        shares = started.get(0).shares();
        shareTokens = new String[SHARES];
        for (int i = 0; i < SHARES; i++) {
            shareTokens[i] = shares.create(i % 2 == 0, false).token();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        List<Terminal> terminals = List.copyOf(launcher.terminals().live());
        terminals.forEach(Terminal::hangUp);
        for (Terminal terminal : terminals) {
            terminal.ended().get(10, TimeUnit.SECONDS);
        }
    }

    @Benchmark
    public Optional<Terminals.Live> launcherFind() {
        int i = next();
        return launcher.terminals().find(handles[i], owners[i]);
    }

    @Benchmark
    public Optional<Shares.Share> sharesFind() {
        String token = shareTokens[nextShare];
        nextShare = nextShare + 1 == SHARES ? 0 : nextShare + 1;
        return shares.find(token);
    }

    @Benchmark
    public Terminals.Live ref_concurrentHashMapGet() {
        return table.get(handles[next()]);
    }

    @Benchmark
    public boolean ref_handleRegex() {
        return HANDLE.matcher(handles[next()]).matches();
    }

    @Benchmark
    public String ref_sha256Product() {
        String token = shareTokens[nextShare];
        nextShare = nextShare + 1 == SHARES ? 0 : nextShare + 1;
        return io.cloudterm.auth.Secrets.sha256(token);
    }

    private int next() {
        int i = next;
        next = i + 1 == TERMINALS ? 0 : i + 1;
        return i;
    }
}
