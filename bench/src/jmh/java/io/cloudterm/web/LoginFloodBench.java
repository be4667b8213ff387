package io.cloudterm.web;

import io.cloudterm.auth.PasswordHashes;
import io.cloudterm.client.TtyClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A login flood against a real server on loopback, with a users file at the default bcrypt cost,
 * while someone types into a terminal on it. Group {@code flood}: {@value #FLOODERS} threads
 * ({@code login}), each from its own loopback address (127.0.1.2, 127.0.1.3, ...), post wrong
 * passwords as fast as the answers come, a quarter of them for the real user and the rest for
 * names that do not exist; meanwhile one thread ({@code echo}) types one key at a time into
 * {@code cat} in raw mode on the logged-in user's terminal and waits for its echo.
 * {@code echo}'s score is the mean keystroke round trip; {@code login}'s, the mean wait of a
 * flooder for its answer. The secondary results count the answers by kind, summed over all
 * measured iterations: {@code checked} (401: bcrypt ran), {@code throttled} (429: the login
 * throttle refused first), {@code busy} (503: the check pool was full), {@code other} (any other
 * answer, or none); over the measured time they are answers a second. (The group's own score
 * means nothing.)
 * {@code throttle=on} is the server's defaults; {@code off} lets every attempt reach the checks;
 * {@code cost} is the users file's bcrypt cost (the default cost unless told).
 *
 * <p>Iterations are long: an attempt can wait seconds for its check, and JMH ends an iteration
 * only when every flooder has its answer. The warm-up outlasts the throttle's burst (10 attempts
 * per address, 640 checks: 45-60 s of bcrypt on two busy cores), so the measured iterations see
 * its steady state; the idle reference needs no such wait. Keys are typed back
 * to back, so the server's threads stay awake between them: the hot path.
 *
 * <p>Reference, in the same run: {@code ref_echoIdle}, the same typing on a server of the same
 * settings that nobody floods. What stays comparable is the echo's ratio and the answers' mix: the
 * flood runs in the same JVM on the same cores, so it also takes CPU that a remote attacker's
 * requests would leave to the server.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 90, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 10, timeUnit = TimeUnit.SECONDS)
public class LoginFloodBench {

    static final int FLOODERS = 64;
    private static final String USER = "alice";
    private static final String PASSWORD = "wonderland";

    /** The server, and its user's terminal running cat. */
    @State(Scope.Benchmark)
    public static class Site {
        @Param({"on", "off"})
        String throttle;

        /** The users file's bcrypt cost. */
        @Param({"" + PasswordHashes.DEFAULT_COST})
        int cost;

        private Path users;
        TestServer server;
        private TtyClient terminal;
        /** OUTPUT bytes before the first key, and keys typed since: cat echoes each key as one byte. */
        private long echoedBefore;
        private long keys;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            users = Files.createTempFile("login-flood", ".htpasswd");
            Files.writeString(users, USER + ":" + PasswordHashes.hash(PASSWORD.toCharArray(), cost) + "\n");
            List<String> args = new ArrayList<>(List.of("--users", users.toString()));
            if (throttle.equals("off")) {
                args.addAll(List.of("--login-burst", "1000000", "--login-refill", "1"));
            }
            // RE""ADY prints READY, which the command line itself (in the greeting) does not contain.
            args.addAll(List.of("--", "sh", "-c", "stty raw -echo && echo RE\"\"ADY && exec cat"));
            server = TestServer.start(args.toArray(String[]::new));
            String cookie = server.login(USER, PASSWORD);
            terminal = TtyClient.connect(server.ws(), Map.of("Cookie", cookie))
                    .handshake(server.terminalToken(Map.of("Cookie", cookie)), 80, 24);
            terminal.awaitOutput("READY", Duration.ofSeconds(30));
            terminal.keepOnlyRecentOutput(64);
            echoedBefore = terminal.outputBytesSeen();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            // A byte more than the keys typed would have let a key's wait end on the one before it.
            long echoed = terminal.outputBytesSeen() - echoedBefore;
            try {
                terminal.close();
                server.close();
            } finally {
                Files.deleteIfExists(users);
            }
            if (echoed != keys) {
                throw new IllegalStateException(keys + " keys typed, " + echoed + " bytes echoed");
            }
        }

        /** One key typed, and its echo back from cat. */
        long echo() {
            keys++;
            terminal.input("x");
            terminal.awaitOutputBytesSeen(echoedBefore + keys, Duration.ofSeconds(30));
            return keys;
        }
    }

    /** One flooding client, from a loopback address of its own. */
    @State(Scope.Thread)
    public static class Flooder {
        private HttpClient http;
        private int index;
        private long attempts;

        @Setup(Level.Trial)
        public void setUp(ThreadParams thread) throws IOException {
            index = thread.getThreadIndex();
            http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1) // as a browser posts a form: no h2c upgrade
                    .localAddress(InetAddress.getByName("127.0." + (1 + index / 250) + "." + (2 + index % 250)))
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            http.close();
        }

        /** One wrong login; its HTTP status, or -1 for no answer. */
        int attempt(Site site) {
            long i = attempts++;
            String user = i % 4 == 0 ? USER : "user" + index + "-" + i;
            HttpRequest request = HttpRequest.newBuilder(site.server.url("login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("user=" + user + "&password=guess" + i + "&next="))
                    .build();
            try {
                return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    /** How the attempts of an iteration were answered: JMH reports each field's count beside the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Answers {
        public long checked;
        public long throttled;
        public long busy;
        public long other;

        @Setup(Level.Iteration)
        public void reset() {
            checked = 0;
            throttled = 0;
            busy = 0;
            other = 0;
        }

        void count(int status) {
            switch (status) {
                case 401 -> checked++;
                case 429 -> throttled++;
                case 503 -> busy++;
                default -> other++;
            }
        }
    }

    @Benchmark
    @Group("flood")
    @GroupThreads(FLOODERS)
    public int login(Site site, Flooder flooder, Answers answers, Control iteration) {
        int status = flooder.attempt(site);
        // Only the answers JMH counts too: an iteration starts and ends with all threads running
        // unmeasured until each has arrived, which here means seconds of queued checks.
        if (iteration.startMeasurement && !iteration.stopMeasurement) {
            answers.count(status);
        }
        return status;
    }

    @Benchmark
    @Group("flood")
    @GroupThreads(1)
    public long echo(Site site) {
        return site.echo();
    }

    @Benchmark
    @Warmup(iterations = 1, time = 10, timeUnit = TimeUnit.SECONDS)
    public long ref_echoIdle(Site site) {
        return site.echo();
    }
}
