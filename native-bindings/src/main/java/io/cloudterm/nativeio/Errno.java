package io.cloudterm.nativeio;

import java.io.IOException;

/** Turns a C error number into the exception a Java caller expects, with libc's own words for it. */
final class Errno {

    private Errno() {
    }

    /** E.g. {@code "epoll_ctl failed: Bad file descriptor"}. */
    static IOException failed(String call, int errno) {
        return new IOException(call + " failed: " + Libc.strerror(errno));
    }
}
