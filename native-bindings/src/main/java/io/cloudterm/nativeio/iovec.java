package io.cloudterm.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@code struct iovec} from {@code <sys/uio.h>}: one buffer of a {@code writev}, its address and length. */
public final class iovec {

    private iovec() {
    }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            Libc.C_POINTER.withName("iov_base"),
            Libc.size_t.withName("iov_len")).withName("iovec");

    private static final long iov_base$OFFSET = offset("iov_base");
    private static final long iov_len$OFFSET = offset("iov_len");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    /** An array of {@code count} zeroed iovecs. */
    public static MemorySegment allocateArray(Arena arena, int count) {
        return arena.allocate(LAYOUT, count);
    }

    /** Element {@code index} of an array from {@link #allocateArray}. */
    public static MemorySegment element(MemorySegment array, int index) {
        return array.asSlice(index * LAYOUT.byteSize(), LAYOUT);
    }

    /** {@code iov_base}: the address of {@code buffer}, which must stay alive until the call returns. */
    public static void iov_base(MemorySegment struct, MemorySegment buffer) {
        struct.set(Libc.C_POINTER, iov_base$OFFSET, buffer);
    }

    public static void iov_len(MemorySegment struct, long length) {
        struct.set(Libc.size_t, iov_len$OFFSET, length);
    }

    private static long offset(String field) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
