package io.cloudterm.io;

import java.io.FileDescriptor;
import java.lang.reflect.Field;
import java.net.Socket;
import java.net.SocketImpl;

/**
 * The file descriptor of a {@code java.net.Socket}, which no API exposes (such a socket has no
 * channel): its {@code SocketImpl} holds a {@code FileDescriptor}. A socket accepted by a
 * {@code ServerSocket} has the platform's {@code SocketImpl} itself; one made with
 * {@code new Socket()} has a SOCKS {@code SocketImpl} (for a proxy it may never use) that
 * delegates to the platform's, whose fd it is.
 *
 * <p>Needs {@code --add-opens} of {@code java.base/java.net} and {@code java.base/java.io} (the jar's
 * manifest carries them); where they are missing, {@link #whyNot} says so and {@link #of} is -1.
 */
public final class SocketFd {

    private static final Field IMPL;
    /** {@code java.net.DelegatingSocketImpl.delegate}, or null where this JDK has none. */
    private static final Field DELEGATE;
    private static final Field FD;
    private static final Field FD_VALUE;
    private static final String WHY_NOT;

    static {
        Field impl = null;
        Field fd = null;
        Field value = null;
        String whyNot = null;
        try {
            impl = Socket.class.getDeclaredField("impl");
            impl.setAccessible(true);
            fd = SocketImpl.class.getDeclaredField("fd");
            fd.setAccessible(true);
            value = FileDescriptor.class.getDeclaredField("fd");
            value.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            whyNot = "the fd of accepted sockets is out of reach (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); run with --add-opens java.base/java.net=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED";
        }
        IMPL = impl;
        DELEGATE = whyNot == null ? delegateField() : null;
        FD = fd;
        FD_VALUE = value;
        WHY_NOT = whyNot;
    }

    private SocketFd() {
    }

    private static Field delegateField() {
        try {
            Field delegate = Class.forName("java.net.DelegatingSocketImpl").getDeclaredField("delegate");
            delegate.setAccessible(true);
            return delegate;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // a JDK without it: its sockets hold their fd themselves
        }
    }

    /** Null if fds can be read; otherwise why not, for the log. */
    public static String whyNot() {
        return WHY_NOT;
    }

    /** The fd of {@code socket}, or -1 where it cannot be read (closed, no such field, no access). */
    public static int of(Socket socket) {
        if (WHY_NOT != null) {
            return -1;
        }
        try {
            Object impl = IMPL.get(socket);
            if (DELEGATE != null && DELEGATE.getDeclaringClass().isInstance(impl)) {
                impl = DELEGATE.get(impl);
            }
            Object descriptor = impl instanceof SocketImpl ? FD.get(impl) : null;
            return descriptor == null ? -1 : FD_VALUE.getInt(descriptor);
        } catch (IllegalAccessException e) {
            return -1;
        }
    }
}
