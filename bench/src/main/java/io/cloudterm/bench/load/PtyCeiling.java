package io.cloudterm.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling of the throughput figures: the same stream read straight from a pty master by a
 * plain loop, with no server in the way. Each reader is python3 ({@code pty.fork()}, then
 * {@code os.read(fd, 65536)} into nothing until EOF); S of them run at once for fan-out. Each
 * waits for a go on stdin, so all start together, and reports its CLOCK_MONOTONIC start and end
 * (the clock of {@link System#nanoTime()}); the aggregate is all bytes over first start to last end.
 */
final class PtyCeiling {

    private static final String SCRIPT = String.join("\n",
            "import pty, os, sys, time",
            "n = int(sys.argv[1])",
            "print('ready', flush=True)",
            "sys.stdin.readline()",
            "t0 = time.monotonic_ns()",
            "pid, fd = pty.fork()",
            "if pid == 0:",
            "    os.execv('/bin/sh', ['sh', '-c', \"head -c %d /dev/zero | tr '\\\\0' x\" % n])",
            "got = 0; reads = 0",
            "while True:",
            "    try:",
            "        b = os.read(fd, 65536)",
            "    except OSError:",
            "        break",
            "    if not b:",
            "        break",
            "    got += len(b); reads += 1",
            "t1 = time.monotonic_ns()",
            "os.waitpid(pid, 0)",
            "print(got, t0, t1, reads, flush=True)");

    private PtyCeiling() {
    }

    /** All readers together: bytes, seconds from the first start to the last end, reads. */
    record Run(long bytes, double seconds, long reads) {
        double mbPerSecond() {
            return bytes / seconds / 1e6;
        }
    }

    /** {@code readers} loops at once, each reading {@code bytesEach} from its own pty. */
    static Run run(int readers, long bytesEach, long limitSeconds) throws IOException, InterruptedException {
        List<Process> ps = new ArrayList<>();
        try {
            List<BufferedReader> outs = new ArrayList<>();
            for (int i = 0; i < readers; i++) {
                Process p = new ProcessBuilder("python3", "-c", SCRIPT, Long.toString(bytesEach)).redirectErrorStream(true).start();
                ps.add(p);
                outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (BufferedReader out : outs) {
                String line = out.readLine();
                if (!"ready".equals(line)) {
                    throw new IllegalStateException("python3 pty reader did not start (is python3 installed?): " + line);
                }
            }
            for (Process p : ps) {
                OutputStream in = p.getOutputStream();
                in.write('\n');
                in.flush();
            }
            long first = Long.MAX_VALUE, last = Long.MIN_VALUE, reads = 0;
            for (int i = 0; i < readers; i++) {
                if (!ps.get(i).waitFor(limitSeconds, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("python3 pty reader took over " + limitSeconds + " s");
                }
                String line = outs.get(i).readLine();
                String[] f = line == null ? new String[0] : line.trim().split("\\s+");
                if (f.length != 4 || Long.parseLong(f[0]) != bytesEach) {
                    throw new IllegalStateException("python3 pty reader: expected " + bytesEach + " bytes, said: " + line);
                }
                first = Math.min(first, Long.parseLong(f[1]));
                last = Math.max(last, Long.parseLong(f[2]));
                reads += Long.parseLong(f[3]);
            }
            return new Run(bytesEach * readers, (last - first) / 1e9, reads);
        } finally {
            for (Process p : ps) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }
}
