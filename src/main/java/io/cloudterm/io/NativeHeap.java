package io.cloudterm.io;

/**
 * The C heap under the JVM (glibc's malloc): where HotSpot's compilers take their arenas while
 * they work, and where direct buffers live. glibc keeps what is freed there for later mallocs
 * instead of handing it back, so a burst (a thousand terminals opening, the JIT compiling their
 * path) leaves the process tens of MB larger than what it holds. Offered by the native layer,
 * absent in pure-Java mode.
 */
public interface NativeHeap {

    /** Hands the heap's whole free pages back to the kernel; true if there were any. */
    boolean trim();
}
