package io.cloudterm.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * A login's password check through {@link PasswordCheck#check}, as the web layer calls it, against
 * a users file holding one user at {@link PasswordHashes#DEFAULT_COST}: {@code unknownUser} (a
 * name the file does not hold) and {@code wrongPassword} (a wrong password for the name it holds).
 * The two must score alike, or the time of a refusal would tell which names exist: their ratio is
 * the figure, and 1 is the target.
 *
 * <p>Reference, in the same run: {@code ref_bcrypt}, one bare bcrypt check
 * ({@link PasswordHashes#matches}) at costs 10, 11 (the default) and 12 ({@code -p cost=...} for
 * others): the work a check is made of, and what the default cost was chosen by (a check should
 * take 100-250 ms on the machine the server runs on).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LoginTimingBench {

    private static final String KNOWN = "alice";

    private Path dir;
    private PasswordCheck check;
    private long unknownNames;

    /** A hash of a password at one cost, for the bare check. */
    @State(Scope.Benchmark)
    public static class Hash {
        @Param({"10", "11", "12"})
        int cost;
        String hash;

        @Setup(Level.Trial)
        public void setUp() {
            hash = PasswordHashes.hash("alice's password".toCharArray(), cost);
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("login-timing");
        Path file = dir.resolve("users");
        Files.writeString(file, KNOWN + ":" + PasswordHashes.hash("alice's password".toCharArray(), PasswordHashes.DEFAULT_COST) + "\n");
        check = PasswordCheck.create(UsersFile.open(file));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        check.close();
        Files.deleteIfExists(dir.resolve("users"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public PasswordCheck.Verdict unknownUser() {
        // A new name each time, as an attacker probing for names would send.
        return rejected(check.check("nobody" + unknownNames++, "a wrong guess".toCharArray()));
    }

    @Benchmark
    public PasswordCheck.Verdict wrongPassword() {
        return rejected(check.check(KNOWN, "a wrong guess".toCharArray()));
    }

    @Benchmark
    public boolean ref_bcrypt(Hash hash) {
        return PasswordHashes.matches("a wrong guess".toCharArray(), hash.hash);
    }

    /** A refusal of any other kind (busy, or let in) would time something else. */
    private static PasswordCheck.Verdict rejected(PasswordCheck.Verdict verdict) {
        if (!(verdict instanceof PasswordCheck.Verdict.Rejected)) {
            throw new IllegalStateException("a wrong password was answered " + verdict);
        }
        return verdict;
    }
}
