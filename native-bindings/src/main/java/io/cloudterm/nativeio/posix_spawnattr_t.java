package io.cloudterm.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code posix_spawnattr_t} from {@code <spawn.h>}: opaque to us (only the posix_spawnattr_*
 * functions touch its fields), so only its size and alignment matter: 336 bytes in glibc, holding
 * two sigset_t and pointers' alignment.
 */
public final class posix_spawnattr_t {

    private posix_spawnattr_t() {
    }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(336 / Long.BYTES, Libc.C_LONG).withName("__opaque")).withName("posix_spawnattr_t");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    /** Zeroed memory for one; posix_spawnattr_init initializes it, posix_spawnattr_destroy ends it. */
    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }
}
