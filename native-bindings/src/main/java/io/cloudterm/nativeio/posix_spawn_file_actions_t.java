package io.cloudterm.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code posix_spawn_file_actions_t} from {@code <spawn.h>}: opaque to us, 80 bytes in glibc. The
 * actions themselves live in memory glibc mallocs (paths are copied), which only
 * {@code posix_spawn_file_actions_destroy} frees: every init needs its destroy.
 */
public final class posix_spawn_file_actions_t {

    private posix_spawn_file_actions_t() {
    }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(80 / Long.BYTES, Libc.C_LONG).withName("__opaque")).withName("posix_spawn_file_actions_t");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    /** Zeroed memory for one; posix_spawn_file_actions_init initializes it. */
    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }
}
