package io.cloudterm.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code sigset_t} from {@code <signal.h>}: glibc's {@code unsigned long __val[16]}, 1024 bits,
 * signal {@code n} at bit {@code n - 1}.
 */
public final class sigset_t {

    private sigset_t() {
    }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, Libc.C_LONG).withName("__val")).withName("sigset_t");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    /** An empty set (all bits zero, which is what sigemptyset writes). */
    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }

    /**
     * Adds signals {@code from..to} by setting their bits. Unlike {@code sigaddset}, which refuses
     * glibc's two internal signals (32 and 33, used by its thread library), this can name every
     * signal, which posix_spawn's POSIX_SPAWN_SETSIGDEF needs: a signal left out of that set is set
     * to SIG_IGN in the child if it is internal (measured: SigIgn 0x180000000 with sigfillset).
     */
    public static void addRange(MemorySegment set, int from, int to) {
        for (int signal = from; signal <= to; signal++) {
            long offset = (long) ((signal - 1) / 64) * Long.BYTES;
            long bit = 1L << ((signal - 1) % 64);
            set.set(ValueLayout.JAVA_LONG, offset, set.get(ValueLayout.JAVA_LONG, offset) | bit);
        }
    }
}
