package io.cloudterm.bench;

import io.cloudterm.auth.PasswordCheck;
import io.cloudterm.auth.PasswordHashes;
import io.cloudterm.auth.UsersFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How long a login check takes: for an unknown user name against a wrong password for a known one
 * (their ratio should be 1: the time must not tell which names exist), and one bcrypt check at
 * each cost around the default (to choose {@link PasswordHashes#DEFAULT_COST}: 100-250 ms).
 *
 * <p>Both kinds of login are measured interleaved, one after the other, through
 * {@link PasswordCheck#check} as the web layer calls it, so that drift in the machine's speed hits
 * both alike; the figures are medians.
 *
 * <p>Run with a JDK 21 or later, from the repository root, after {@code mvn -o package} (for
 * {@code target/libs}, which holds jBCrypt):
 * <pre>
 * java -cp 'target/classes:target/libs/*' bench/src/main/java/io/cloudterm/bench/LoginTimingBench.java [ROUNDS]
 * </pre>
 * (the source launcher compiles this one file; with {@code -Dbuild.dir=DIR} use {@code DIR/classes}
 * and {@code DIR/libs}). ROUNDS is the number of logins of each kind, 50 by default.
 *
 * <p>Measured 2026-11-23 on the project's 2-core machine (JDK 25, other builds loading it to 5-6),
 * 50 of each: unknown user 126.3 ms, wrong password 128.6 ms, unknown/wrong = 0.982 (0.986 in a
 * second run); a check took 61 ms at cost 10, 126 ms at 11, 248 ms at 12, 522 ms at 13.
 */
public final class LoginTimingBench {

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        System.out.printf("%s %s, %d CPUs%n", System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        costs();
        unknownAgainstWrong(rounds);
    }

    /** One check at each cost, median of a few. */
    private static void costs() {
        for (int cost = 9; cost <= 13; cost++) {
            String hash = PasswordHashes.hash("right password".toCharArray(), cost);
            long[] nanos = new long[cost <= 11 ? 11 : 5];
            PasswordHashes.matches("warm-up".toCharArray(), hash);
            for (int i = 0; i < nanos.length; i++) {
                long start = System.nanoTime();
                PasswordHashes.matches("wrong password".toCharArray(), hash);
                nanos[i] = System.nanoTime() - start;
            }
            System.out.printf("cost %2d: %6.1f ms a check (median of %d)%s%n", cost, median(nanos) / 1e6, nanos.length,
                    cost == PasswordHashes.DEFAULT_COST ? "  <- default" : "");
        }
    }

    private static void unknownAgainstWrong(int rounds) throws IOException {
        Path dir = Files.createTempDirectory("login-bench");
        Path file = dir.resolve("users");
        String alice = "alice:" + PasswordHashes.hash("alice's password".toCharArray(), PasswordHashes.DEFAULT_COST) + "\n";
        Files.write(file, alice.getBytes(StandardCharsets.UTF_8));
        UsersFile users = UsersFile.open(file);
        long[] unknown = new long[rounds];
        long[] wrong = new long[rounds];
        try (PasswordCheck check = PasswordCheck.create(users)) {
            for (int i = 0; i < 3; i++) { // warm-up
                check.check("nobody", "guess".toCharArray());
                check.check("alice", "guess".toCharArray());
            }
            for (int i = 0; i < rounds; i++) {
                unknown[i] = timed(check, "nobody" + i);
                wrong[i] = timed(check, "alice");
            }
        } finally {
            Files.delete(file);
            Files.delete(dir);
        }
        double u = median(unknown);
        double w = median(wrong);
        System.out.printf("cost %d, %d logins of each kind: unknown user %.1f ms, wrong password %.1f ms (medians); "
                + "unknown/wrong = %.3f%n", PasswordHashes.DEFAULT_COST, rounds, u / 1e6, w / 1e6, u / w);
    }

    private static long timed(PasswordCheck check, String user) {
        char[] password = "a wrong guess".toCharArray();
        long start = System.nanoTime();
        if (!(check.check(user, password) instanceof PasswordCheck.Verdict.Rejected)) {
            throw new AssertionError("a wrong password was not rejected");
        }
        return System.nanoTime() - start;
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
