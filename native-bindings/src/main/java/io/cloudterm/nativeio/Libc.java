package io.cloudterm.nativeio;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Downcalls to the libc functions the native layer uses, one static method per function, named and
 * typed after its C prototype, in the shape jextract generates (see {@code jextract/README.md}).
 * Nothing here decides anything: no retries, no exceptions for C errors, no policy. Callers check
 * the return value the way C code would.
 *
 * <p>Functions that report failure through {@code errno} take a first parameter jextract cannot
 * generate: the {@code callState} segment ({@link #allocateCallState}) into which the linker copies
 * {@code errno} right after the call ({@link Linker.Option#captureCallState}), before the JVM can
 * overwrite it. Functions that return an error number themselves ({@code posix_spawn*},
 * {@code ptsname_r}) do not.
 *
 * <p>Class initialization looks every symbol up: a libc without one of them fails here, once,
 * with an {@link UnsatisfiedLinkError} that names it.
 */
public final class Libc {

    private Libc() {
    }

    // C types (jextract's names for the built-in types, the typedef names for the rest)
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;
    public static final ValueLayout.OfInt pid_t = C_INT;
    public static final ValueLayout.OfInt mode_t = C_INT;
    public static final ValueLayout.OfLong size_t = C_LONG;
    public static final ValueLayout.OfLong ssize_t = C_LONG;
    public static final ValueLayout.OfInt socklen_t = C_INT;
    public static final ValueLayout.OfLong off_t = C_LONG;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle CALL_STATE_ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** A segment for {@code errno} to be captured into, for one call or a few calls of one thread. */
    public static MemorySegment allocateCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The {@code errno} the last call given {@code callState} left. */
    public static int errno(MemorySegment callState) {
        return (int) CALL_STATE_ERRNO.get(callState, 0L);
    }

    // <stdlib.h>, <pty.h>: pseudo-terminals

    private static final MethodHandle posix_openpt = errnoCall("posix_openpt", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle grantpt = errnoCall("grantpt", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle unlockpt = errnoCall("unlockpt", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle ptsname_r = call("ptsname_r", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, size_t));

    /** {@code int posix_openpt(int flags)} */
    public static int posix_openpt(MemorySegment callState, int flags) {
        try {
            return (int) posix_openpt.invokeExact(callState, flags);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int grantpt(int fd)} */
    public static int grantpt(MemorySegment callState, int fd) {
        try {
            return (int) grantpt.invokeExact(callState, fd);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int unlockpt(int fd)} */
    public static int unlockpt(MemorySegment callState, int fd) {
        try {
            return (int) unlockpt.invokeExact(callState, fd);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int ptsname_r(int fd, char *buf, size_t buflen)}: 0, or an error number. */
    public static int ptsname_r(int fd, MemorySegment buf, long buflen) {
        try {
            return (int) ptsname_r.invokeExact(fd, buf, buflen);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    // <spawn.h>: every function returns 0 or an error number

    private static final MethodHandle posix_spawnp = call("posix_spawnp",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));
    private static final MethodHandle posix_spawnattr_init = call("posix_spawnattr_init", FunctionDescriptor.of(C_INT, C_POINTER));
    private static final MethodHandle posix_spawnattr_destroy = call("posix_spawnattr_destroy", FunctionDescriptor.of(C_INT, C_POINTER));
    private static final MethodHandle posix_spawnattr_setflags = call("posix_spawnattr_setflags",
            FunctionDescriptor.of(C_INT, C_POINTER, C_SHORT));
    private static final MethodHandle posix_spawnattr_setsigmask = call("posix_spawnattr_setsigmask",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
    private static final MethodHandle posix_spawnattr_setsigdefault = call("posix_spawnattr_setsigdefault",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
    private static final MethodHandle posix_spawn_file_actions_init = call("posix_spawn_file_actions_init",
            FunctionDescriptor.of(C_INT, C_POINTER));
    private static final MethodHandle posix_spawn_file_actions_destroy = call("posix_spawn_file_actions_destroy",
            FunctionDescriptor.of(C_INT, C_POINTER));
    private static final MethodHandle posix_spawn_file_actions_addopen = call("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT, mode_t));
    private static final MethodHandle posix_spawn_file_actions_adddup2 = call("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT));
    private static final MethodHandle posix_spawn_file_actions_addclosefrom_np = call("posix_spawn_file_actions_addclosefrom_np",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
    private static final MethodHandle posix_spawn_file_actions_addchdir_np = call("posix_spawn_file_actions_addchdir_np",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /**
     * {@code int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *file_actions,
     * const posix_spawnattr_t *attrp, char *const argv[], char *const envp[])}
     */
    public static int posix_spawnp(MemorySegment pid, MemorySegment file, MemorySegment file_actions,
            MemorySegment attrp, MemorySegment argv, MemorySegment envp) {
        try {
            return (int) posix_spawnp.invokeExact(pid, file, file_actions, attrp, argv, envp);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int posix_spawnattr_init(posix_spawnattr_t *attr)} */
    public static int posix_spawnattr_init(MemorySegment attr) {
        try {
            return (int) posix_spawnattr_init.invokeExact(attr);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int posix_spawnattr_destroy(posix_spawnattr_t *attr)} */
    public static int posix_spawnattr_destroy(MemorySegment attr) {
        try {
            return (int) posix_spawnattr_destroy.invokeExact(attr);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags)} */
    public static int posix_spawnattr_setflags(MemorySegment attr, short flags) {
        try {
            return (int) posix_spawnattr_setflags.invokeExact(attr, flags);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int posix_spawnattr_setsigmask(posix_spawnattr_t *attr, const sigset_t *sigmask)} */
    public static int posix_spawnattr_setsigmask(MemorySegment attr, MemorySegment sigmask) {
        try {
            return (int) posix_spawnattr_setsigmask.invokeExact(attr, sigmask);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int posix_spawnattr_setsigdefault(posix_spawnattr_t *attr, const sigset_t *sigdefault)} */
    public static int posix_spawnattr_setsigdefault(MemorySegment attr, MemorySegment sigdefault) {
        try {
            return (int) posix_spawnattr_setsigdefault.invokeExact(attr, sigdefault);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int posix_spawn_file_actions_init(posix_spawn_file_actions_t *file_actions)} */
    public static int posix_spawn_file_actions_init(MemorySegment file_actions) {
        try {
            return (int) posix_spawn_file_actions_init.invokeExact(file_actions);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *file_actions)} */
    public static int posix_spawn_file_actions_destroy(MemorySegment file_actions) {
        try {
            return (int) posix_spawn_file_actions_destroy.invokeExact(file_actions);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * {@code int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *file_actions, int fd,
     * const char *path, int oflag, mode_t mode)}
     */
    public static int posix_spawn_file_actions_addopen(MemorySegment file_actions, int fd, MemorySegment path,
            int oflag, int mode) {
        try {
            return (int) posix_spawn_file_actions_addopen.invokeExact(file_actions, fd, path, oflag, mode);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *file_actions, int fd, int newfd)} */
    public static int posix_spawn_file_actions_adddup2(MemorySegment file_actions, int fd, int newfd) {
        try {
            return (int) posix_spawn_file_actions_adddup2.invokeExact(file_actions, fd, newfd);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *file_actions, int from)} (glibc 2.34+) */
    public static int posix_spawn_file_actions_addclosefrom_np(MemorySegment file_actions, int from) {
        try {
            return (int) posix_spawn_file_actions_addclosefrom_np.invokeExact(file_actions, from);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *file_actions, const char *path)} (glibc 2.29+) */
    public static int posix_spawn_file_actions_addchdir_np(MemorySegment file_actions, MemorySegment path) {
        try {
            return (int) posix_spawn_file_actions_addchdir_np.invokeExact(file_actions, path);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    // <signal.h>, <sys/wait.h>: processes

    private static final MethodHandle sigemptyset = errnoCall("sigemptyset", FunctionDescriptor.of(C_INT, C_POINTER));
    private static final MethodHandle kill = errnoCall("kill", FunctionDescriptor.of(C_INT, pid_t, C_INT));
    private static final MethodHandle waitpid = errnoCall("waitpid", FunctionDescriptor.of(pid_t, pid_t, C_POINTER, C_INT));

    /** {@code int sigemptyset(sigset_t *set)} */
    public static int sigemptyset(MemorySegment callState, MemorySegment set) {
        try {
            return (int) sigemptyset.invokeExact(callState, set);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int kill(pid_t pid, int sig)} */
    public static int kill(MemorySegment callState, int pid, int sig) {
        try {
            return (int) kill.invokeExact(callState, pid, sig);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code pid_t waitpid(pid_t pid, int *wstatus, int options)}. Never call it with -1: see {@code NativePty}. */
    public static int waitpid(MemorySegment callState, int pid, MemorySegment wstatus, int options) {
        try {
            return (int) waitpid.invokeExact(callState, pid, wstatus, options);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    // <unistd.h>, <fcntl.h>, <sys/ioctl.h>: file descriptors

    private static final MethodHandle read = errnoCall("read", FunctionDescriptor.of(ssize_t, C_INT, C_POINTER, size_t));
    private static final MethodHandle write = errnoCall("write", FunctionDescriptor.of(ssize_t, C_INT, C_POINTER, size_t));
    private static final MethodHandle close = errnoCall("close", FunctionDescriptor.of(C_INT, C_INT));
    // open is variadic too: the mode after the flags is only read with O_CREAT or O_TMPFILE.
    private static final MethodHandle open = errnoCall("open", FunctionDescriptor.of(C_INT, C_POINTER, C_INT, mode_t),
            Linker.Option.firstVariadicArg(2));
    // fcntl, ioctl and syscall are variadic: the arguments after the fixed ones are passed as C
    // passes variadic arguments, which differs from fixed ones on some ABIs.
    private static final MethodHandle fcntl = errnoCall("fcntl", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle ioctl = errnoCall("ioctl", FunctionDescriptor.of(C_INT, C_INT, C_LONG, C_POINTER),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle syscall = errnoCall("syscall", FunctionDescriptor.of(C_LONG, C_LONG, C_LONG, C_LONG),
            Linker.Option.firstVariadicArg(1));

    /** {@code ssize_t read(int fd, void *buf, size_t count)} */
    public static long read(MemorySegment callState, int fd, MemorySegment buf, long count) {
        try {
            return (long) read.invokeExact(callState, fd, buf, count);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code ssize_t write(int fd, const void *buf, size_t count)} */
    public static long write(MemorySegment callState, int fd, MemorySegment buf, long count) {
        try {
            return (long) write.invokeExact(callState, fd, buf, count);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int open(const char *pathname, int flags, ...)}, with the mode argument O_CREAT would read. */
    public static int open(MemorySegment callState, MemorySegment pathname, int flags, int mode) {
        try {
            return (int) open.invokeExact(callState, pathname, flags, mode);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int close(int fd)} */
    public static int close(MemorySegment callState, int fd) {
        try {
            return (int) close.invokeExact(callState, fd);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * {@code int fcntl(int fd, int cmd, ...)}, with the one {@code int} argument F_SETFL and
     * F_DUPFD_CLOEXEC take (F_GETFL ignores it).
     */
    public static int fcntl(MemorySegment callState, int fd, int cmd, int arg) {
        try {
            return (int) fcntl.invokeExact(callState, fd, cmd, arg);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int ioctl(int fd, unsigned long request, ...)}, with the one pointer argument most requests take. */
    public static int ioctl(MemorySegment callState, int fd, long request, MemorySegment argp) {
        try {
            return (int) ioctl.invokeExact(callState, fd, request, argp);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * {@code long syscall(long number, ...)} with two arguments, for system calls glibc 2.34/2.35
     * has no wrapper for ({@code pidfd_open} came with 2.36). Arguments are passed as {@code long},
     * the width the kernel reads them with.
     */
    public static long syscall(MemorySegment callState, long number, long arg1, long arg2) {
        try {
            return (long) syscall.invokeExact(callState, number, arg1, arg2);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    // <sys/epoll.h>, <sys/eventfd.h>: readiness

    private static final MethodHandle epoll_create1 = errnoCall("epoll_create1", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle epoll_ctl = errnoCall("epoll_ctl", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER));
    private static final MethodHandle epoll_wait = errnoCall("epoll_wait", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_INT));
    private static final MethodHandle eventfd = errnoCall("eventfd", FunctionDescriptor.of(C_INT, C_INT, C_INT));

    /** {@code int epoll_create1(int flags)} */
    public static int epoll_create1(MemorySegment callState, int flags) {
        try {
            return (int) epoll_create1.invokeExact(callState, flags);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)} */
    public static int epoll_ctl(MemorySegment callState, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) epoll_ctl.invokeExact(callState, epfd, op, fd, event);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)} */
    public static int epoll_wait(MemorySegment callState, int epfd, MemorySegment events, int maxevents, int timeout) {
        try {
            return (int) epoll_wait.invokeExact(callState, epfd, events, maxevents, timeout);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int eventfd(unsigned int initval, int flags)} */
    public static int eventfd(MemorySegment callState, int initval, int flags) {
        try {
            return (int) eventfd.invokeExact(callState, initval, flags);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    // <sys/socket.h>, <sys/uio.h>: sockets

    private static final MethodHandle writev = errnoCall("writev", FunctionDescriptor.of(ssize_t, C_INT, C_POINTER, C_INT));
    private static final MethodHandle setsockopt = errnoCall("setsockopt",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER, socklen_t));
    private static final MethodHandle shutdown = errnoCall("shutdown", FunctionDescriptor.of(C_INT, C_INT, C_INT));
    private static final MethodHandle sendfile = errnoCall("sendfile", FunctionDescriptor.of(ssize_t, C_INT, C_INT, C_POINTER, size_t));
    private static final MethodHandle recv = errnoCall("recv", FunctionDescriptor.of(ssize_t, C_INT, C_POINTER, size_t, C_INT));

    /** {@code ssize_t writev(int fd, const struct iovec *iov, int iovcnt)} */
    public static long writev(MemorySegment callState, int fd, MemorySegment iov, int iovcnt) {
        try {
            return (long) writev.invokeExact(callState, fd, iov, iovcnt);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen)} */
    public static int setsockopt(MemorySegment callState, int sockfd, int level, int optname, MemorySegment optval, int optlen) {
        try {
            return (int) setsockopt.invokeExact(callState, sockfd, level, optname, optval, optlen);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code int shutdown(int sockfd, int how)} */
    public static int shutdown(MemorySegment callState, int sockfd, int how) {
        try {
            return (int) shutdown.invokeExact(callState, sockfd, how);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * {@code ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count)} ({@code <sys/sendfile.h>}):
     * with {@code offset} given, reads {@code in_fd} from {@code *offset}, advances {@code *offset}
     * by what it sent, and leaves the file offset of {@code in_fd} alone.
     */
    public static long sendfile(MemorySegment callState, int out_fd, int in_fd, MemorySegment offset, long count) {
        try {
            return (long) sendfile.invokeExact(callState, out_fd, in_fd, offset, count);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code ssize_t recv(int sockfd, void *buf, size_t len, int flags)} */
    public static long recv(MemorySegment callState, int sockfd, MemorySegment buf, long len, int flags) {
        try {
            return (long) recv.invokeExact(callState, sockfd, buf, len, flags);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    // <fcntl.h>, <unistd.h> (with _GNU_SOURCE): pipes

    private static final MethodHandle pipe2 = errnoCall("pipe2", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
    // The offsets are loff_t * (64 bits everywhere); only NULL is passed, for sockets and pipes have none.
    private static final MethodHandle splice = errnoCall("splice",
            FunctionDescriptor.of(ssize_t, C_INT, C_POINTER, C_INT, C_POINTER, size_t, C_INT));

    /** {@code int pipe2(int pipefd[2], int flags)}: {@code pipefd[0]} is the read end, {@code pipefd[1]} the write end. */
    public static int pipe2(MemorySegment callState, MemorySegment pipefd, int flags) {
        try {
            return (int) pipe2.invokeExact(callState, pipefd, flags);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * {@code ssize_t splice(int fd_in, loff_t *off_in, int fd_out, loff_t *off_out, size_t len,
     * unsigned int flags)}: moves up to {@code len} bytes between two fds, one of them a pipe,
     * inside the kernel.
     */
    public static long splice(MemorySegment callState, int fd_in, MemorySegment off_in, int fd_out, MemorySegment off_out,
                              long len, int flags) {
        try {
            return (long) splice.invokeExact(callState, fd_in, off_in, fd_out, off_out, len, flags);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    // <malloc.h>

    private static final MethodHandle malloc_trim = call("malloc_trim", FunctionDescriptor.of(C_INT, size_t));

    /**
     * {@code int malloc_trim(size_t pad)}: glibc hands the whole free pages of every malloc arena
     * back to the kernel; 1 if it released any, else 0.
     */
    public static int malloc_trim(long pad) {
        try {
            return (int) malloc_trim.invokeExact(pad);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    // <string.h>

    private static final MethodHandle strerror = call("strerror", FunctionDescriptor.of(C_POINTER, C_INT));

    /**
     * {@code char *strerror(int errnum)}, read into a String: the message a C program would print
     * for the error, e.g. "No such file or directory". (glibc's strerror is thread-safe since 2.32.)
     */
    @SuppressWarnings("restricted") // reinterpret: strerror's result has no size; getString stops at its NUL
    public static String strerror(int errnum) {
        try {
            MemorySegment text = (MemorySegment) strerror.invokeExact(errnum);
            return text.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    // linking

    @SuppressWarnings("restricted") // this class is the native layer's one place for downcall handles
    private static MethodHandle call(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment address = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("this C library has no function " + name));
        return LINKER.downcallHandle(address, descriptor, options);
    }

    private static MethodHandle errnoCall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] withErrno = Arrays.copyOf(options, options.length + 1);
        withErrno[options.length] = ERRNO;
        return call(name, descriptor, withErrno);
    }

    /** Downcalls throw nothing checked; anything else is a bug worth its own stack trace. */
    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException runtime) {
            return runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException("unexpected exception from a downcall", e);
    }
}
