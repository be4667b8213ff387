package io.cloudterm.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * nginx (Debian's {@code nginx-light}) started by the bench as a reference, in the foreground, on
 * loopback, with one worker and a generated configuration: the parts every scenario shares here,
 * the {@code http} block's own directives and server from the scenario. Stopped, and its
 * directory removed, on {@link #close}.
 */
final class Nginx implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path prefix;
    private final List<String> command;
    private final String config;

    private Nginx(Process process, int port, Path prefix, List<String> command, String config) {
        this.process = process;
        this.port = port;
        this.prefix = prefix;
        this.command = command;
        this.config = config;
    }

    /**
     * Starts nginx pinned to {@code cpu} (none when negative); {@code http} gives, for the port it
     * is to listen on, the {@code http} block's directives and its {@code server} (listening on
     * 127.0.0.1 at that port). Returns once it accepts connections (20 s at most).
     */
    static Nginx start(String nginx, int cpu, IntFunction<String> http) throws IOException, InterruptedException {
        Path prefix = Files.createTempDirectory("cloudterm-nginx");
        int port;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String conf = """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 8192; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                %2$s
                }
                """.formatted(prefix, http.apply(port).indent(4).stripTrailing());
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, conf);
        List<String> command = new ArrayList<>();
        if (cpu >= 0) {
            command.addAll(List.of("taskset", "-c", String.valueOf(cpu)));
        }
        command.addAll(List.of(nginx, "-p", prefix.toString(), "-c", file.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        Nginx n = new Nginx(p, port, prefix, command, conf);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (var s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return n;
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    String why = Files.readString(prefix.resolve("stdout.log"))
                            + (Files.exists(prefix.resolve("error.log")) ? Files.readString(prefix.resolve("error.log")) : "");
                    n.close();
                    throw new IllegalStateException("nginx did not start: " + why);
                }
                Thread.sleep(50);
            }
        }
        n.close();
        throw new IllegalStateException("nginx did not listen on " + port + " within 20 s");
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    List<String> command() {
        return command;
    }

    /** The generated configuration, as nginx read it. */
    String config() {
        return config;
    }

    /** utime + stime of the master and its workers. */
    long cpuTicks() {
        return Proc.treeCpuTicks(process.pid());
    }

    /** RSS of the master and its workers. */
    long rssKb() {
        long kb = Proc.usage(process.pid()).rssKb();
        for (Proc.Child c : Proc.descendants(process.pid())) {
            kb += Proc.usage(c.pid()).rssKb();
        }
        return kb;
    }

    /** Open fds of the master and its workers. */
    int fds() {
        int n = Proc.fds(process.pid());
        for (Proc.Child c : Proc.descendants(process.pid())) {
            n += Proc.fds(c.pid());
        }
        return n;
    }

    @Override
    public void close() throws InterruptedException {
        List<Proc.Child> workers = process.isAlive() ? Proc.descendants(process.pid()) : List.of();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        // A worker outliving a killed master: only those verified to be the ones seen (pid and start time).
        workers.stream().filter(Proc::running).forEach(c -> ProcessHandle.of(c.pid()).ifPresent(ProcessHandle::destroyForcibly));
        try (Stream<Path> files = Files.walk(prefix)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            System.out.println("could not remove " + prefix + ": " + e.getMessage());
        }
    }
}
