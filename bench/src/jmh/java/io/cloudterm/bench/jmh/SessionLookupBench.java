package io.cloudterm.bench.jmh;

import io.cloudterm.auth.Principal;
import io.cloudterm.auth.Secrets;
import io.cloudterm.auth.Sessions;
import io.cloudterm.auth.TerminalTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Lookups by secret among 10,000 live ones: {@link Sessions#find} (a session cookie, on every
 * request), {@link TerminalTokens#valid} (JSON_DATA's AuthToken) and {@link TerminalTokens#issue}
 * with 10,000 tokens outstanding (a clock moved 1 ms per issue, 10 s lifetime, so each issue
 * expires about one). Ids are looked up in a shuffled order, so the table is not walked in cache
 * order.
 *
 * <p>References, in the same run: {@code ref_hashMapGet} (a {@link HashMap} of 10,000 hashed ids,
 * looked up by the ready hash: the table alone), {@code ref_sha256Product} ({@link Secrets#sha256}
 * of an id: the hashing every lookup does first), {@code ref_sha256Bare} (SHA-256 of the id's bytes
 * with a {@link MessageDigest} kept per thread, no Base64: the hash alone), and
 * {@code ref_tokenAndHash} (a new token and its hash: what {@code issue} must do whatever the
 * table holds).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SessionLookupBench {

    static final int LIVE = 10_000;

    /** Ids in a shuffled order, handed out round robin. */
    @State(Scope.Thread)
    public static class Ids {
        String[] ids;
        int next;

        String next() {
            String id = ids[next];
            next = next + 1 == ids.length ? 0 : next + 1;
            return id;
        }

        void shuffle(java.util.List<String> list) {
            Collections.shuffle(list, new java.util.Random(42));
            ids = list.toArray(String[]::new);
        }
    }

    @State(Scope.Thread)
    public static class SessionTable extends Ids {
        Sessions sessions;

        @Setup
        public void setUp() {
            sessions = new Sessions();
            java.util.List<String> list = new java.util.ArrayList<>(LIVE);
            for (int i = 0; i < LIVE; i++) {
                list.add(sessions.open(new Principal("user" + i % 1000)));
            }
            shuffle(list);
        }
    }

    @State(Scope.Thread)
    public static class TokenTable extends Ids {
        final MovableClock clock = new MovableClock();
        TerminalTokens tokens;
        Principal[] owners;

        @Setup
        public void setUp() {
            tokens = new TerminalTokens(Duration.ofSeconds(10), clock);
            java.util.List<String> list = new java.util.ArrayList<>(LIVE);
            Map<String, Principal> ownerOf = new HashMap<>();
            for (int i = 0; i < LIVE; i++) {
                Principal owner = new Principal("user" + i % 1000);
                String token = tokens.issue(owner);
                ownerOf.put(token, owner);
                list.add(token);
                clock.advanceMillis(1);
            }
            clock.advanceMillis(-1); // the first token still lives: all 10,000 are valid
            shuffle(list);
            owners = new Principal[ids.length];
            for (int i = 0; i < ids.length; i++) {
                owners[i] = ownerOf.get(ids[i]);
            }
        }
    }

    @State(Scope.Thread)
    public static class HashTable extends Ids {
        final Map<String, Principal> byHash = new HashMap<>();
        String[] hashes;

        @Setup
        public void setUp() {
            java.util.List<String> list = new java.util.ArrayList<>(LIVE);
            for (int i = 0; i < LIVE; i++) {
                String id = Secrets.random256();
                byHash.put(Secrets.sha256(id), new Principal("user" + i % 1000));
                list.add(id);
            }
            shuffle(list);
            hashes = new String[ids.length];
            for (int i = 0; i < ids.length; i++) {
                hashes[i] = Secrets.sha256(ids[i]);
            }
        }
    }

    @State(Scope.Thread)
    public static class Digest {
        final MessageDigest sha256;

        public Digest() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Benchmark
    public Optional<Principal> sessionsFind(SessionTable table) {
        return table.sessions.find(table.next());
    }

    @Benchmark
    public boolean tokensValid(TokenTable table) {
        int i = table.next;
        return table.tokens.valid(table.next(), table.owners[i]);
    }

    @Benchmark
    public String tokensIssue(TokenTable table) {
        table.clock.advanceMillis(1);
        return table.tokens.issue(table.owners[0]);
    }

    @Benchmark
    public Principal ref_hashMapGet(HashTable table) {
        int i = table.next;
        table.next();
        return table.byHash.get(table.hashes[i]);
    }

    @Benchmark
    public String ref_sha256Product(HashTable table) {
        return Secrets.sha256(table.next());
    }

    @Benchmark
    public byte[] ref_sha256Bare(HashTable table, Digest digest) {
        return digest.sha256.digest(table.next().getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public String ref_tokenAndHash() {
        return Secrets.sha256(Secrets.random256());
    }

    /** A clock that moves only when told, so token expiry is exact and the table stays at 10,000. */
    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-23T00:00:00Z");

        void advanceMillis(long millis) {
            now = now.plusMillis(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
