package io.cloudterm.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code /proc} (and {@code jcmd}) say about a process: memory, threads, fds, CPU, children. */
final class Proc {

    /** {@code CLK_TCK}: the unit of utime and stime in {@code /proc/PID/stat} on Linux. */
    static final int TICKS_PER_SECOND = 100;
    private static final Pattern COMPILE_TIME = Pattern.compile("(?m)^sun\\.ci\\.(?:standard|osr)Time=(\\d+)$");
    private static final Pattern HRT_FREQUENCY = Pattern.compile("(?m)^sun\\.os\\.hrt\\.frequency=(\\d+)$");
    private static final Pattern HEAP_USED = Pattern.compile("total (?:reserved )?\\d+K, (?:committed \\d+K, )?used (\\d+)K");
    /** G1's line: {@code total reserved R K, committed C K, used U K [0xSTART, 0xEND)}. */
    private static final Pattern HEAP_RANGE = Pattern.compile("committed (\\d+)K, used \\d+K \\[0x(\\p{XDigit}+), 0x(\\p{XDigit}+)\\)");
    private static final Pattern MAPPING = Pattern.compile("^(\\p{XDigit}+)-(\\p{XDigit}+) ");
    private static final Pattern NMT_LINE = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    private Proc() {
    }

    /**
     * One reading of a process. {@code rssFileKb} is the part of the RSS that maps files (the JVM's
     * and libc's code, the jar, the CDS archive): clean pages, shared with other processes of the
     * same files and dropped by the kernel under pressure, unlike the anonymous rest.
     */
    record Usage(long rssKb, long rssFileKb, int threads, int fds, long cpuTicks) {
    }

    /**
     * A process, as {@code /proc/PID/stat} names it. {@code start} (clock ticks after boot) tells it
     * from a later process that got the same pid once it was gone.
     */
    record Child(long pid, long parent, String name, boolean zombie, long start) {
    }

    static Usage usage(long pid) {
        long rss = 0, file = 0;
        int threads = 0;
        for (String line : read(Path.of("/proc/" + pid + "/status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", ""));
            } else if (line.startsWith("RssFile:")) {
                file = Long.parseLong(line.replaceAll("\\D", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.replaceAll("\\D", ""));
            }
        }
        return new Usage(rss, file, threads, fds(pid), cpuTicks(pid));
    }

    static int fds(long pid) {
        try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) list.count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the fds of " + pid + ": " + e.getMessage(), e);
        }
    }

    /** The process's open files by kind ({@code socket}, {@code pipe}, {@code anon_inode:[eventpoll]}, a path...). */
    static Map<String, Integer> fdKinds(long pid) {
        Map<String, Integer> kinds = new java.util.TreeMap<>();
        try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) list::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString().replaceAll(":\\[\\d+\\]$", "").replaceAll("^/dev/pts/\\d+$", "/dev/pts/N");
                    kinds.merge(target, 1, Integer::sum);
                } catch (IOException closed) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the fds of " + pid + ": " + e.getMessage(), e);
        }
        return kinds;
    }

    /** utime + stime of the process's own threads (its children's time is not in these fields). */
    static long cpuTicks(long pid) {
        String[] f = statFields(read(Path.of("/proc/" + pid + "/stat")));
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** utime + stime of the process and of every process under it now (nginx's master and its workers). */
    static long treeCpuTicks(long pid) {
        long sum = cpuTicks(pid);
        for (Child c : descendants(pid)) {
            try {
                sum += cpuTicks(c.pid());
            } catch (RuntimeException gone) {
                // ended between the listing and the reading
            }
        }
        return sum;
    }

    /** Every process under {@code root}, any depth, zombies included. */
    static List<Child> descendants(long root) {
        Map<Long, List<Child>> byParent = new HashMap<>();
        try (var list = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) list::iterator) {
                String base = dir.getFileName().toString();
                if (base.isEmpty() || !base.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = readOrThrow(dir.resolve("stat"));
                    String[] f = statFields(stat);
                    Child c = new Child(Long.parseLong(base), Long.parseLong(f[1]),
                            stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')), f[0].equals("Z"), Long.parseLong(f[19]));
                    byParent.computeIfAbsent(c.parent(), k -> new ArrayList<>()).add(c);
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<Child> found = new ArrayList<>();
        Deque<Child> todo = new ArrayDeque<>(byParent.getOrDefault(root, List.of()));
        while (!todo.isEmpty()) {
            Child c = todo.pop();
            found.add(c);
            todo.addAll(byParent.getOrDefault(c.pid(), List.of()));
        }
        return found;
    }

    /** This very process (same pid and start time, not a reused pid) is alive and not a zombie. */
    static boolean running(Child c) {
        try {
            String[] f = statFields(readOrThrow(Path.of("/proc/" + c.pid() + "/stat")));
            return !f[0].equals("Z") && Long.parseLong(f[19]) == c.start();
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /**
     * Waits until a process uses at most one clock tick (10 ms) of CPU in a quarter of a second,
     * 4% of a CPU, or until {@code limit}; returns whether it went quiet.
     */
    static boolean awaitQuiet(long pid, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            long before = cpuTicks(pid);
            while (System.nanoTime() < deadline) {
                Thread.sleep(250);
                long now = cpuTicks(pid);
                if (now - before <= 1) {
                    return true;
                }
                before = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * Asks a JVM for a full GC, so that a reading does not depend on when G1 last collected; then,
     * {@code after} it (G1 gives the freed regions back in the background), hands freed C heap
     * back to the OS (glibc keeps it otherwise; the stand-alone server trims its own every
     * 30 s), so that RSS counts memory held.
     *
     * <p>Twice: a full GC compacts with as many workers as the heap's size asks for, and each
     * worker leaves its own part-filled region, which G1 then keeps committed (and resident). After
     * a burst had grown the heap to 200 MB, one GC.run left 4.7 MB of live data in 3 regions and
     * 20 MB committed, where a small heap's GC left 2 regions and 12 MB: 8 MB of RSS that said
     * nothing about what the server holds. The second GC starts from the small heap.
     */
    static void gc(long pid, Duration after) {
        jcmd(pid, "GC.run");
        jcmd(pid, "GC.run");
        try {
            Thread.sleep(after.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jcmd(pid, "System.trim_native_heap");
    }

    /**
     * Seconds a JVM's JIT has spent compiling so far ({@code sun.ci.standardTime} and
     * {@code sun.ci.osrTime} over the high-resolution timer's frequency, from
     * {@code PerfCounter.print}), or -1 if it does not say.
     */
    static double compileSeconds(long pid) {
        String counters = jcmd(pid, "PerfCounter.print");
        Matcher time = COMPILE_TIME.matcher(counters), frequency = HRT_FREQUENCY.matcher(counters);
        long ticks = 0;
        int found = 0;
        while (time.find()) {
            ticks += Long.parseLong(time.group(1));
            found++;
        }
        return found == 2 && frequency.find() ? ticks / (double) Long.parseLong(frequency.group(1)) : -1;
    }

    /** The heap in use of a JVM, KB, from {@code GC.heap_info}. */
    static long heapUsedKb(long pid) {
        Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The Java heap's committed KB and how much of it is resident (in RAM), or null if the GC does not say where it is. */
    record JavaHeap(long committedKb, long residentKb) {
    }

    /**
     * The Java heap's share of the RSS: the resident KB of the mappings inside the heap's address
     * range ({@code GC.heap_info}), from {@code /proc/PID/smaps}. The heap is committed in
     * regions and a page is resident only once written, so this can grow while the committed heap
     * stays the same size: G1 allocating in regions it had not used yet.
     */
    static JavaHeap javaHeap(long pid) {
        Matcher range = HEAP_RANGE.matcher(jcmd(pid, "GC.heap_info"));
        if (!range.find()) {
            return null;
        }
        long start = Long.parseUnsignedLong(range.group(2), 16), end = Long.parseUnsignedLong(range.group(3), 16);
        long resident = 0;
        boolean inside = false;
        for (String line : read(Path.of("/proc/" + pid + "/smaps")).split("\n")) {
            Matcher m = MAPPING.matcher(line);
            if (m.find()) {
                long from = Long.parseUnsignedLong(m.group(1), 16), to = Long.parseUnsignedLong(m.group(2), 16);
                inside = from >= start && to <= end;
            } else if (inside && line.startsWith("Rss:")) {
                resident += Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return new JavaHeap(Long.parseLong(range.group(1)), resident);
    }

    /**
     * Committed KB by Native Memory Tracking category ({@code Java Heap}, {@code Thread},
     * {@code Other}...), for a JVM started with {@code -XX:NativeMemoryTracking=summary}.
     */
    static Map<String, Long> nativeMemory(long pid) {
        Map<String, Long> committed = new LinkedHashMap<>();
        for (String line : jcmd(pid, "VM.native_memory", "summary").split("\n")) {
            Matcher m = NMT_LINE.matcher(line.trim());
            if (m.find()) {
                committed.put(m.group(1).trim(), Long.parseLong(m.group(2)));
            }
        }
        return committed;
    }

    /**
     * Bytes of live objects by class, from {@code GC.class_histogram} (which runs a full GC first):
     * lines {@code num: #instances #bytes class}.
     */
    static Map<String, Long> histogram(long pid) {
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                bytes.put(f[3], Long.parseLong(f[2]));
            }
        }
        return bytes;
    }

    static String ptyMax() {
        return read(Path.of("/proc/sys/kernel/pty/max")).trim();
    }

    static String ptysInUse() {
        return read(Path.of("/proc/sys/kernel/pty/nr")).trim();
    }

    /** The most files this process may open (its soft RLIMIT_NOFILE); child processes inherit it. */
    static long openFilesLimit() {
        for (String line : read(Path.of("/proc/self/limits")).split("\n")) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
            }
        }
        return Long.MAX_VALUE;
    }

    static String loadAverage() {
        String[] f = read(Path.of("/proc/loadavg")).trim().split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static String jcmd(long pid, String... command) {
        List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        args.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", args) + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run jcmd: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The fields after {@code (name)}: state is [0], ppid [1], utime [11], stime [12], starttime [19]. */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static String read(Path path) {
        try {
            return readOrThrow(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** A /proc file whole (Files.readString trusts the size of 0 that /proc reports, and may stop short). */
    private static String readOrThrow(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
