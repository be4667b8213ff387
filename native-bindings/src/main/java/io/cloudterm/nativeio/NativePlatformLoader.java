package io.cloudterm.nativeio;

import static io.cloudterm.nativeio.LibcHeaders.ENOSYS;
import static io.cloudterm.nativeio.LibcHeaders.SYS_pidfd_open;

import io.cloudterm.platform.NativePlatformProvider;
import io.cloudterm.platform.Platform;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Set;

/**
 * Found by {@link java.util.ServiceLoader} (META-INF/services): starts the {@link NativePlatform}
 * where it can run, and otherwise says why with the exception {@link NativePlatformProvider}
 * documents. Whether to fall back, and what to log, is decided above, in {@code io.cloudterm.platform}.
 */
public final class NativePlatformLoader implements NativePlatformProvider {

    /** The architectures whose C constants and layouts {@link LibcHeaders} and friends hold. */
    private static final Set<String> ARCHITECTURES = Set.of("amd64", "x86_64", "aarch64");

    public NativePlatformLoader() {
    }

    @Override
    @SuppressWarnings("restricted") // on purpose: see the comment on downcallHandle below
    public Platform create() {
        String os = System.getProperty("os.name", "unknown");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            throw new UnsupportedOperationException("native ptys need Linux, this is " + os);
        }
        String arch = System.getProperty("os.arch", "unknown");
        if (!ARCHITECTURES.contains(arch)) {
            throw new UnsupportedOperationException("native ptys know the C headers of x86_64 and aarch64, this is " + arch);
        }
        // A restricted method, called here and not in a static initializer: where native access is
        // denied, this throws IllegalCallerException now, as itself, not wrapped later.
        Linker linker = Linker.nativeLinker();
        linker.downcallHandle(linker.defaultLookup().find("getpid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        try {
            requirePidfd();
            return NativePlatform.start();
        } catch (ExceptionInInitializerError e) {
            // Libc failed to link a function (an older glibc): report that, e.g. UnsatisfiedLinkError.
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("the native pty system cannot start: " + e.getMessage(), e);
        }
    }

    /** Exits are watched with pidfds: Linux 5.3 or newer. Checked once here rather than per spawn. */
    private static void requirePidfd() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            int pidfd = (int) Libc.syscall(callState, SYS_pidfd_open, ProcessHandle.current().pid(), 0);
            if (pidfd < 0) {
                int errno = Libc.errno(callState);
                throw new UnsupportedOperationException(errno == ENOSYS
                        ? "native ptys need pidfd_open, which Linux has since 5.3"
                        : "pidfd_open fails: " + Libc.strerror(errno));
            }
            Libc.close(callState, pidfd);
        }
    }
}
