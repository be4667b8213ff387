package io.cloudterm.bench.jmh;

import io.cloudterm.auth.Principal;
import io.cloudterm.auth.Secrets;
import io.cloudterm.auth.Sessions;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link Sessions#find} by a random id among 10,000 and among 100,000 live sessions of 100 users,
 * on one thread and on two at once ({@code Contended}: both on the store's one lock), to show that
 * a lookup does not slow as the store grows and what the lock costs when two request threads look
 * up at once.
 *
 * <p>References, in the same run and with the same thread counts: {@code ref_sha256}
 * ({@link Secrets#sha256} of an id: the store keeps only hashes, so every lookup hashes first, and
 * a lookup can be no cheaper than this). The heap a session keeps is measured by
 * {@code SessionsTest}, not here: retained memory is not a time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SessionStoreBench {

    @Param({"10000", "100000"})
    int sessions;

    private Sessions store;
    private String[] ids;

    @Setup(Level.Trial)
    public void setUp() {
        store = new Sessions();
        ids = new String[sessions];
        for (int i = 0; i < sessions; i++) {
            ids[i] = store.open(new Principal("user" + i % 100));
        }
    }

    @Benchmark
    public Optional<Principal> find() {
        return store.find(anId());
    }

    @Benchmark
    @Threads(2)
    public Optional<Principal> findContended() {
        return store.find(anId());
    }

    @Benchmark
    public String ref_sha256() {
        return Secrets.sha256(anId());
    }

    @Benchmark
    @Threads(2)
    public String ref_sha256Contended() {
        return Secrets.sha256(anId());
    }

    /** A random one, so that the table is not walked in cache order. */
    private String anId() {
        return ids[ThreadLocalRandom.current().nextInt(ids.length)];
    }
}
