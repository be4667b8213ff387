package io.cloudterm.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.pty.Pty;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import io.helidon.health.HealthCheckResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A storm of health polls starts one process per freshness period, not one per poll. */
class PtySpawnCheckTest {

    /** The real pure-Java pty system, counting its spawns. */
    private static final class CountedPtys implements PtySystem {
        final PtySystem real = PtySystem.pureJava();
        final AtomicInteger spawns = new AtomicInteger();

        @Override
        public Pty spawn(PtySpec spec) throws IOException {
            spawns.incrementAndGet();
            return real.spawn(spec);
        }

        @Override
        public String description() {
            return real.description();
        }
    }

    @Test
    void aPollStormSpawnsOneProcessPerFreshnessPeriod() throws InterruptedException {
        CountedPtys ptys = new CountedPtys();
        PtySpawnCheck check = new PtySpawnCheck(ptys);
        long started = System.nanoTime();
        List<Thread> pollers = new ArrayList<>();
        List<HealthCheckResponse.Status> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 20; i++) {
            pollers.add(Thread.ofVirtual().start(() -> {
                for (int j = 0; j < 10; j++) {
                    statuses.add(check.call().status());
                }
            }));
        }
        for (Thread poller : pollers) {
            poller.join();
        }
        long periods = (System.nanoTime() - started) / PtySpawnCheck.FRESHNESS.toNanos();
        assertEquals(200, statuses.size());
        assertTrue(statuses.stream().allMatch(HealthCheckResponse.Status.UP::equals), statuses.toString());
        assertTrue(ptys.spawns.get() <= 1 + periods, ptys.spawns.get() + " spawns for 200 polls in " + (periods + 1)
                + " periods");
    }

    @Test
    void aProgramThatCannotStartIsDown() {
        PtySystem ptys = new PtySystem() {
            @Override
            public Pty spawn(PtySpec spec) throws IOException {
                throw new IOException("posix_spawn: Resource temporarily unavailable");
            }

            @Override
            public String description() {
                return "a pty system out of processes";
            }
        };
        HealthCheckResponse response = new PtySpawnCheck(ptys).call();
        assertEquals(HealthCheckResponse.Status.DOWN, response.status());
        assertTrue(response.details().get("error").toString().contains("Resource temporarily unavailable"),
                response.details().toString());
    }
}
