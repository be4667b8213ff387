/*
 * The headers the native layer binds (io.cloudterm.nativeio), for jextract: one header that
 * includes them all, so that one run produces one header class. See README.md.
 */
#define _GNU_SOURCE 1

#include <errno.h>          /* EAGAIN, EINTR, EIO, ECHILD, ESRCH, ENOSYS, ENOTCONN */
#include <fcntl.h>          /* open, fcntl, O_RDONLY, O_RDWR, O_NOCTTY, O_NONBLOCK, O_CLOEXEC, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC,
                               splice, SPLICE_F_* */
#include <limits.h>         /* IOV_MAX */
#include <malloc.h>         /* malloc_trim (glibc) */
#include <signal.h>         /* kill, sigemptyset, sigset_t, SIGHUP..SIGTERM, SIGWINCH, _NSIG */
#include <spawn.h>          /* posix_spawnp, posix_spawnattr_*, posix_spawn_file_actions_*, POSIX_SPAWN_* */
#include <stdlib.h>         /* posix_openpt, grantpt, unlockpt, ptsname_r */
#include <string.h>         /* strerror */
#include <sys/epoll.h>      /* epoll_create1, epoll_ctl, epoll_wait, struct epoll_event, EPOLL* */
#include <sys/eventfd.h>    /* eventfd, EFD_* */
#include <sys/ioctl.h>      /* ioctl, struct winsize, TIOCSWINSZ */
#include <sys/sendfile.h>   /* sendfile */
#include <sys/socket.h>     /* setsockopt, shutdown, recv, MSG_PEEK, struct linger, SOL_SOCKET, SO_LINGER, SHUT_WR, socklen_t */
#include <sys/syscall.h>    /* SYS_pidfd_open */
#include <sys/types.h>      /* pid_t, mode_t, ssize_t, off_t */
#include <sys/uio.h>        /* writev, struct iovec */
#include <sys/wait.h>       /* waitpid, WNOHANG (the W* status macros are function-like: hand-written) */
#include <unistd.h>         /* read, write, close, syscall, pipe2 */
