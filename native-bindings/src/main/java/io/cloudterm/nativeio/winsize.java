package io.cloudterm.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/** {@code struct winsize} from {@code <sys/ioctl.h>}: four unsigned shorts, rows first. */
public final class winsize {

    private winsize() {
    }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            Libc.C_SHORT.withName("ws_row"),
            Libc.C_SHORT.withName("ws_col"),
            Libc.C_SHORT.withName("ws_xpixel"),
            Libc.C_SHORT.withName("ws_ypixel")).withName("winsize");

    private static final long ws_row$OFFSET = offset("ws_row");
    private static final long ws_col$OFFSET = offset("ws_col");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    /** A zeroed {@code struct winsize}. */
    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }

    /** {@code ws_row}, 0..65535 as C reads it. */
    public static void ws_row(MemorySegment struct, int rows) {
        struct.set(ValueLayout.JAVA_SHORT, ws_row$OFFSET, (short) rows);
    }

    public static int ws_row(MemorySegment struct) {
        return Short.toUnsignedInt(struct.get(ValueLayout.JAVA_SHORT, ws_row$OFFSET));
    }

    public static void ws_col(MemorySegment struct, int columns) {
        struct.set(ValueLayout.JAVA_SHORT, ws_col$OFFSET, (short) columns);
    }

    public static int ws_col(MemorySegment struct) {
        return Short.toUnsignedInt(struct.get(ValueLayout.JAVA_SHORT, ws_col$OFFSET));
    }

    private static long offset(String field) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
