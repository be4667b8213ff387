package io.cloudterm.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct linger} from {@code <sys/socket.h>}: the value of {@code SO_LINGER}, two ints. */
public final class linger {

    private linger() {
    }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            Libc.C_INT.withName("l_onoff"),
            Libc.C_INT.withName("l_linger")).withName("linger");

    private static final long l_onoff$OFFSET = offset("l_onoff");
    private static final long l_linger$OFFSET = offset("l_linger");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    /** A zeroed {@code struct linger}: lingering off. */
    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }

    /** {@code l_onoff}: nonzero to linger on close. */
    public static void l_onoff(MemorySegment struct, int onoff) {
        struct.set(Libc.C_INT, l_onoff$OFFSET, onoff);
    }

    /** {@code l_linger}: seconds to linger; 0 with l_onoff set means close() resets the connection. */
    public static void l_linger(MemorySegment struct, int seconds) {
        struct.set(Libc.C_INT, l_linger$OFFSET, seconds);
    }

    private static long offset(String field) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
