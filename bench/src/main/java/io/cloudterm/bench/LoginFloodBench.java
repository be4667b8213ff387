package io.cloudterm.bench;

import io.cloudterm.auth.PasswordHashes;
import io.cloudterm.cli.CloudTerm;
import io.cloudterm.web.CloudTermServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A login flood against a real server with a users file at the default bcrypt cost, from many
 * loopback addresses at once, while one terminal is being typed into: how many attempts per second
 * are answered and how (303/401 checked, 429 throttled, 503 busy), how many bcrypt checks per
 * second that costs, and the terminal's keystroke echo latency during the flood against the same
 * measured before it (the reference). Loopback only; bounded in time.
 *
 * <p>Run from the repository root after {@code ./mvnw -q -DskipTests package}, with a JDK 22+:
 * {@code java -cp 'target/classes:target/libs/*' bench/src/main/java/io/cloudterm/bench/LoginFloodBench.java [SECONDS] [CLIENTS] [throttle|nothrottle]}
 */
public final class LoginFloodBench {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        boolean throttle = args.length <= 2 || !args[2].equals("nothrottle");
        Path users = Files.createTempFile("cloudterm-bench", ".htpasswd");
        Files.writeString(users, "alice:" + PasswordHashes.hash("wonderland".toCharArray(), PasswordHashes.DEFAULT_COST) + "\n");
        List<String> cli = new ArrayList<>(List.of("--port", "0", "--users", users.toString()));
        if (!throttle) {
            cli.addAll(List.of("--login-burst", "1000000", "--login-refill", "1"));
        }
        cli.addAll(List.of("--", "cat"));
        try (CloudTermServer server = CloudTermServer.start(CloudTerm.configFrom(cli.toArray(String[]::new)))) {
            HttpClient http = HttpClient.newHttpClient();
            String cookie = login(http, server, "alice", "wonderland", null);
            Echo echo = Echo.open(http, server, cookie);
            long[] idle = echo.measure(200);
            Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Thread> flood = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String source = "127.0." + (1 + c / 250) + "." + (2 + c % 250);
                int n = c;
                flood.add(Thread.ofVirtual().start(() -> {
                    HttpClient from = clientFrom(source);
                    long i = 0;
                    while (System.nanoTime() < deadline) {
                        String user = (i++ % 4 == 0) ? "alice" : "user" + n + "-" + i;
                        int status = post(from, server, "user=" + user + "&password=guess" + i + "&next=");
                        statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                    }
                }));
            }
            Thread.sleep(1000);
            long[] flooded = echo.measure(200);
            for (Thread t : flood) {
                t.join();
            }
            echo.close();
            long total = statuses.values().stream().mapToLong(AtomicLong::get).sum();
            long checked = count(statuses, 401) + count(statuses, 303);
            System.out.printf("login flood: %d s, %d clients from %d addresses, throttle %s%n", seconds, clients, clients,
                    throttle ? "on (defaults)" : "off");
            System.out.printf("answers: %d (%.0f/s): 401 %d, 303 %d, 429 %d, 503 %d, other %d%n", total, total / (double) seconds,
                    count(statuses, 401), count(statuses, 303), count(statuses, 429), count(statuses, 503),
                    total - checked - count(statuses, 429) - count(statuses, 503));
            System.out.printf("bcrypt checks: %.1f/s (cost %d)%n", checked / (double) seconds, PasswordHashes.DEFAULT_COST);
            System.out.printf("terminal echo p50/p99 us: idle %d/%d, under flood %d/%d (p50 ratio %.2f)%n",
                    idle[0], idle[1], flooded[0], flooded[1], flooded[0] / (double) idle[0]);
        } finally {
            Files.deleteIfExists(users);
        }
    }

    private static long count(Map<Integer, AtomicLong> statuses, int status) {
        AtomicLong n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    private static HttpClient clientFrom(String source) {
        try {
            return HttpClient.newBuilder().localAddress(InetAddress.getByName(source)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int post(HttpClient http, CloudTermServer server, String form) {
        try {
            return http.send(HttpRequest.newBuilder(server.url().resolve("login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String login(HttpClient http, CloudTermServer server, String user, String password, String unused) throws Exception {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(server.url().resolve("login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=" + user + "&password=" + password + "&next=")).build(),
                HttpResponse.BodyHandlers.discarding());
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** A terminal running cat: one byte typed, its echo timed. */
    private static final class Echo implements WebSocket.Listener {
        private final LinkedBlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        private WebSocket socket;

        static Echo open(HttpClient http, CloudTermServer server, String cookie) throws Exception {
            String token = http.send(HttpRequest.newBuilder(server.url().resolve("token")).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString()).body().replaceAll(".*\"token\":\"([^\"]*)\".*", "$1");
            Echo echo = new Echo();
            URI ws = URI.create(server.url().toString().replaceFirst("^http", "ws") + "ws");
            echo.socket = http.newWebSocketBuilder().subprotocols("tty").header("Cookie", cookie).buildAsync(ws, echo).join();
            echo.socket.sendText("{\"AuthToken\":\"" + token + "\",\"columns\":80,\"rows\":24}", true).join();
            echo.socket.sendText("0stty raw -echo\r", true).join();
            Thread.sleep(500);
            echo.arrivals.clear();
            return echo;
        }

        long[] measure(int keys) throws Exception {
            long[] micros = new long[keys];
            for (int i = 0; i < keys; i++) {
                arrivals.clear();
                long start = System.nanoTime();
                socket.sendText("0x", true).join();
                Long arrived = arrivals.poll(10, TimeUnit.SECONDS);
                micros[i] = arrived == null ? 10_000_000 : (arrived - start) / 1000;
                Thread.sleep(5);
            }
            Arrays.sort(micros);
            return new long[] {micros[keys / 2], micros[keys * 99 / 100]};
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (data.remaining() > 0 && data.get(0) == '0') {
                arrivals.add(System.nanoTime());
            }
            webSocket.request(1);
            return null;
        }

        void close() {
            socket.abort();
        }
    }
}
