package io.cloudterm.nativeio;

/**
 * The C constants the native layer uses, each with its C name, grouped by the header it comes
 * from (glibc on Linux x86_64/aarch64, which share every value here). {@code LibcHeadersTest}
 * compiles a C program that prints each of them and fails on any difference.
 *
 * <p>This class also holds the {@code <sys/wait.h>} macros that decode a wait status, because they
 * are C definitions too, checked the same way.
 */
public final class LibcHeaders {

    private LibcHeaders() {
    }

    // <fcntl.h>
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 02;
    public static final int O_NOCTTY = 0400;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_DUPFD_CLOEXEC = 1030;
    // splice(2) flags (with _GNU_SOURCE)
    public static final int SPLICE_F_MOVE = 1;
    public static final int SPLICE_F_NONBLOCK = 2;
    public static final int SPLICE_F_MORE = 4;

    // <sys/ioctl.h> (asm-generic/ioctls.h)
    public static final long TIOCSWINSZ = 0x5414;

    // <sys/socket.h>
    public static final int SOL_SOCKET = 1;
    public static final int SO_LINGER = 13;
    public static final int SHUT_WR = 1;
    public static final int MSG_PEEK = 2;

    // <limits.h> (with _GNU_SOURCE): the most iovecs one writev takes
    public static final int IOV_MAX = 1024;

    // <sys/epoll.h>
    public static final int EPOLL_CLOEXEC = 02000000;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLONESHOT = 1 << 30;

    // <sys/eventfd.h>
    public static final int EFD_NONBLOCK = 04000;
    public static final int EFD_CLOEXEC = 02000000;

    // <spawn.h> (SETSID is a GNU extension, glibc 2.26+)
    public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    public static final short POSIX_SPAWN_SETSID = 0x80;

    // <signal.h>
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGUSR2 = 12;
    public static final int SIGTERM = 15;
    public static final int SIGWINCH = 28;
    /** One more than the highest signal number (64): signals are 1 .. _NSIG - 1. */
    public static final int _NSIG = 65;

    // <sys/wait.h>
    public static final int WNOHANG = 1;

    // <errno.h>
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOSYS = 38;
    public static final int ENOTCONN = 107;

    // <sys/syscall.h> (the same number on every architecture: it is newer than the unified table)
    public static final long SYS_pidfd_open = 434;

    // <sys/wait.h> macros, for the status waitpid stores

    public static boolean WIFEXITED(int status) {
        return WTERMSIG(status) == 0;
    }

    public static int WEXITSTATUS(int status) {
        return (status & 0xff00) >> 8;
    }

    public static boolean WIFSIGNALED(int status) {
        return ((byte) ((status & 0x7f) + 1) >> 1) > 0;
    }

    public static int WTERMSIG(int status) {
        return status & 0x7f;
    }
}
