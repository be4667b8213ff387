package io.cloudterm.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct epoll_event} from {@code <sys/epoll.h>}. On x86_64 the kernel declares it
 * {@code __attribute__((packed))}: 12 bytes, the {@code epoll_data} union at offset 4, not 8.
 * Elsewhere (aarch64) it is not packed: 16 bytes, data at 8. {@code LibcHeadersTest} checks the
 * layout against the C compiler of the machine it runs on.
 */
public final class epoll_event {

    private epoll_event() {
    }

    private static final boolean PACKED = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));
    private static final long DATA_ALIGNMENT = PACKED ? 4 : 8;

    /** {@code union epoll_data}: a pointer, an int or a 64-bit value; we keep the fd in it. */
    private static final UnionLayout DATA = MemoryLayout.unionLayout(
            Libc.C_POINTER.withByteAlignment(DATA_ALIGNMENT).withName("ptr"),
            Libc.C_INT.withName("fd"),
            Libc.C_INT.withName("u32"),
            Libc.C_LONG.withByteAlignment(DATA_ALIGNMENT).withName("u64")).withName("data");

    private static final StructLayout LAYOUT = PACKED
            ? MemoryLayout.structLayout(Libc.C_INT.withName("events"), DATA).withName("epoll_event")
            : MemoryLayout.structLayout(Libc.C_INT.withName("events"), MemoryLayout.paddingLayout(4), DATA)
                    .withName("epoll_event");

    private static final long events$OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    private static final long data_fd$OFFSET = LAYOUT.byteOffset(
            MemoryLayout.PathElement.groupElement("data"), MemoryLayout.PathElement.groupElement("fd"));

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }

    /** An array of {@code count} events, for epoll_wait. */
    public static MemorySegment allocateArray(Arena arena, int count) {
        return arena.allocate(LAYOUT, count);
    }

    /** Element {@code index} of an array from {@link #allocateArray}. */
    public static MemorySegment element(MemorySegment array, int index) {
        return array.asSlice(index * LAYOUT.byteSize(), LAYOUT);
    }

    public static int events(MemorySegment struct) {
        return struct.get(ValueLayout.JAVA_INT, events$OFFSET);
    }

    public static void events(MemorySegment struct, int events) {
        struct.set(ValueLayout.JAVA_INT, events$OFFSET, events);
    }

    /** {@code data.fd} */
    public static int data_fd(MemorySegment struct) {
        return struct.get(ValueLayout.JAVA_INT, data_fd$OFFSET);
    }

    /** Sets {@code data.u64} to the fd, so that no stale upper half can come back with the event. */
    public static void data_fd(MemorySegment struct, int fd) {
        struct.set(ValueLayout.JAVA_LONG_UNALIGNED, data_fd$OFFSET, fd & 0xffff_ffffL);
    }
}
