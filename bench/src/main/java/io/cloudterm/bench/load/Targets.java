package io.cloudterm.bench.load;

/**
 * Every performance goal the load driver judges, in one place: what a user running the server
 * should see. Each scenario compares its readings with these and prints figure, target, reading
 * and met; nothing else in the driver holds a target.
 */
final class Targets {

    /** Throughput of one terminal over the raw-pty ceiling read in the same run. */
    static final double THROUGHPUT_RATIO = 0.90;
    /** A ratio above this says the ceiling was measured slow (a busy machine), not that the server beat the pty. */
    static final double CEILING_SUSPECT_RATIO = 1.0;
    /** Server CPU-seconds per GB streamed. */
    static final double CPU_SECONDS_PER_GB = 6;
    /** Fan-out (S terminals at once) over S raw-pty loops at once; the same goal in both pty modes. */
    static final double FANOUT_RATIO = 0.80;

    /** Server CPU per keystroke round trip through cat, alone and with the typists, µs. */
    static final double CPU_US_PER_KEYSTROKE = 40;
    /** p99 keystroke round trip alone, as a multiple of (WebSocket echo floor + pty echo floor) p99 of the same run. */
    static final double P99_OVER_FLOORS = 2;
    /** p99 keystroke round trip with the typists, µs. */
    static final double P99_WITH_TYPISTS_US = 1000;

    /** Server RSS per live terminal from a fresh server at 1,000 terminals, KB (native mode). */
    static final double KB_PER_TERMINAL_1K = 16;
    /** The same at 10,000 terminals, KB (native mode). */
    static final double KB_PER_TERMINAL_10K = 10;
    /** Server RSS per live terminal in pure-Java mode, KB. */
    static final double KB_PER_TERMINAL_PURE_JAVA = 64;
    /** RSS back within this of the pre-open figure after all clients left (keep-alive 0), MB... */
    static final double RSS_RETURN_MB = 5;
    /** ...within this many seconds. */
    static final int RSS_RETURN_SECONDS = 60;
    /** RSS of a freshly started stand-alone server, idle, MB. */
    static final double IDLE_RSS_MB = 64;
    /** Seconds to open 1,000 terminals on a cold server. */
    static final double OPEN_1000_SECONDS = 2;
    /** Server RSS per idle WebSocket connection, KB. */
    static final double KB_PER_CONNECTION = 3;

    /** Static files, 1 MiB and larger, keep-alive: CloudTerm's throughput over nginx's in the same run. */
    static final double FILES_LARGE_VS_NGINX = 1.0;
    /** Static files under 1 MiB, keep-alive: CloudTerm's requests per second over nginx's. */
    static final double FILES_SMALL_VS_NGINX = 0.7;
    /** Static files, 100 MiB, keep-alive, on loopback: Gbps. */
    static final double FILES_LARGE_GBPS = 10;
    /** Live Java heap growth while many clients fetch one large file, MB. */
    static final double FILES_HEAP_GROWTH_MB = 2;

    /**
     * Relayed terminals: the gateway (splice) against nginx as a WebSocket proxy in the same run, as
     * a factor of nginx's figure: throughput at least nginx's, relay CPU per GB and the keystroke
     * round trip it adds to direct at most nginx's.
     */
    static final double GATEWAY_VS_NGINX = 1.0;
    /** The gateway's RSS per idle relayed connection, KB. */
    static final double KB_PER_RELAYED_CONNECTION = 4;

    /** Open/close cycles: RSS outside the Java heap may move by this much over them, KB (no growth, as exactly as it reads). */
    static final double CYCLES_RSS_OUTSIDE_HEAP_GROWTH_KB = 2048;
    /** Open/close cycles: live Java heap after a full GC may move by this much, KB. */
    static final double CYCLES_LIVE_HEAP_GROWTH_KB = 1024;
    /** Open/close cycles: committed heap, fds, threads: not up at all. */
    static final double CYCLES_NO_GROWTH = 0;

    private Targets() {
    }

    /** The RSS per live terminal a run of {@code terminals} is held to in this pty mode. */
    static double kbPerTerminal(ServerSpec spec, int terminals) {
        if (!spec.nativeMode.equals("on")) {
            return KB_PER_TERMINAL_PURE_JAVA;
        }
        return terminals >= 10_000 ? KB_PER_TERMINAL_10K : KB_PER_TERMINAL_1K;
    }
}
