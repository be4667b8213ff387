package io.cloudterm.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The pty's share of a keystroke round trip, with no server in the way: python3 forks the same
 * {@link EchoCheck#COMMAND} (cat in raw mode) on a pty, writes one key to the master and reads its
 * echo, one at a time, timing each with CLOCK_MONOTONIC; the times come back as nanoseconds into
 * a histogram here. A python3 loop is slower than a JVM's, so this floor is generous, never low.
 */
final class PtyEchoFloor {

    private static final String SCRIPT = String.join("\n",
            "import pty, os, sys, time",
            "warm, n = int(sys.argv[1]), int(sys.argv[2])",
            "pid, fd = pty.fork()",
            "if pid == 0:",
            "    os.execv('/bin/sh', ['sh', '-c', sys.argv[3]])",
            "ready = b''",
            "while not ready.endswith(b'READY'):",
            "    ready += os.read(fd, 64)",
            "out = []",
            "for i in range(warm + n):",
            "    k = bytes([97 + i % 26])",
            "    t0 = time.monotonic_ns()",
            "    os.write(fd, k)",
            "    got = os.read(fd, 1)",
            "    t = time.monotonic_ns() - t0",
            "    if got != k:",
            "        print('wrong echo', got, k, flush=True); sys.exit(1)",
            "    if i >= warm:",
            "        out.append(t)",
            "os.write(fd, b'\\x04')",
            "os.kill(pid, 9)",
            "os.waitpid(pid, 0)",
            "print(' '.join(map(str, out)), flush=True)");

    private PtyEchoFloor() {
    }

    /** {@code keys} round trips after {@code warmup} untimed ones. */
    static Histogram run(int warmup, int keys) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c", SCRIPT, Integer.toString(warmup), Integer.toString(keys),
                String.join(" ", EchoCheck.COMMAND.subList(2, 3))).redirectErrorStream(true).start();
        try {
            String line;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                line = out.readLine();
            }
            if (!p.waitFor(60, TimeUnit.SECONDS) || line == null || line.startsWith("wrong") || p.exitValue() != 0) {
                throw new IllegalStateException("python3 pty echo loop failed (is python3 installed?): " + line);
            }
            Histogram h = RoundTrips.histogram();
            for (String ns : line.trim().split(" ")) {
                h.recordValue(Long.parseLong(ns));
            }
            return h;
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
