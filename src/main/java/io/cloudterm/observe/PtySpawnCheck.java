package io.cloudterm.observe;

import io.cloudterm.pty.Pty;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import io.cloudterm.pty.Signal;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Can a terminal start? Spawns {@code true} on a pty and waits for it to exit, at most
 * {@link #PATIENCE}. The answer is kept for {@link #FRESHNESS}, and polls arriving meanwhile share
 * one spawn: a storm of health polls must not become a storm of processes.
 */
final class PtySpawnCheck implements HealthCheck {

    static final Duration PATIENCE = Duration.ofSeconds(5);
    static final Duration FRESHNESS = Duration.ofSeconds(5);

    private final PtySystem ptys;
    private final ReentrantLock spawning = new ReentrantLock();
    private HealthCheckResponse last;
    private long lastAtNanos;

    PtySpawnCheck(PtySystem ptys) {
        this.ptys = ptys;
    }

    @Override
    public String name() {
        return "pty-spawn";
    }

    @Override
    public HealthCheckResponse call() {
        spawning.lock();
        try {
            if (last == null || System.nanoTime() - lastAtNanos > FRESHNESS.toNanos()) {
                last = spawnTrue();
                lastAtNanos = System.nanoTime();
            }
            return last;
        } finally {
            spawning.unlock();
        }
    }

    private HealthCheckResponse spawnTrue() {
        long started = System.nanoTime();
        Pty pty;
        try {
            pty = ptys.spawn(new PtySpec(List.of("true"), Path.of("/"), Map.of("PATH", searchPath()), 80, 24));
        } catch (Exception e) {
            return down("cannot spawn true on a pty: " + e.getMessage());
        }
        try {
            pty.onExit().toCompletableFuture().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            return HealthCheckResponse.builder().status(true).detail("system", ptys.description())
                    .detail("millis", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).build();
        } catch (TimeoutException e) {
            pty.signalGroup(Signal.KILL);
            return down("true did not exit within " + PATIENCE.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted");
        } catch (Exception e) {
            return down("true failed on a pty: " + e);
        } finally {
            pty.close();
        }
    }

    private static String searchPath() {
        String path = System.getenv("PATH");
        return path == null || path.isBlank() ? "/usr/bin:/bin" : path;
    }

    private HealthCheckResponse down(String why) {
        return HealthCheckResponse.builder().status(false).detail("system", ptys.description()).detail("error", why).build();
    }
}
