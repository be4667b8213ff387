package io.cloudterm.websocket;

import io.helidon.common.socket.HelidonSocket;
import java.io.FileDescriptor;
import java.lang.reflect.Field;
import java.net.Socket;
import java.net.SocketImpl;

/**
 * The file descriptor under a Helidon 4.2 plain socket, which no API exposes: {@code PlainSocket}
 * wraps a {@code java.net.Socket} (accepted by a {@code ServerSocket}, so it has no channel),
 * whose {@code SocketImpl} holds a {@code FileDescriptor}. Needs {@code --add-opens} of
 * {@code java.base/java.net} and {@code java.base/java.io} (the jar's manifest carries them);
 * where they are missing, {@link #whyNot} says so and nothing is taken over.
 */
final class SocketFds {

    private static final Field DELEGATE;
    private static final Field IMPL;
    private static final Field FD;
    private static final Field FD_VALUE;
    private static final String WHY_NOT;

    static {
        Field delegate = null;
        Field impl = null;
        Field fd = null;
        Field value = null;
        String whyNot = null;
        try {
            delegate = Class.forName("io.helidon.common.socket.PlainSocket").getDeclaredField("delegate");
            delegate.setAccessible(true);
            impl = Socket.class.getDeclaredField("impl");
            impl.setAccessible(true);
            fd = SocketImpl.class.getDeclaredField("fd");
            fd.setAccessible(true);
            value = FileDescriptor.class.getDeclaredField("fd");
            value.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            whyNot = "the fd of Helidon's sockets is out of reach (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); run with --add-opens java.base/java.net=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED";
        }
        DELEGATE = delegate;
        IMPL = impl;
        FD = fd;
        FD_VALUE = value;
        WHY_NOT = whyNot;
    }

    private SocketFds() {
    }

    /** Null if fds can be read; otherwise why not, for the log. */
    static String whyNot() {
        return WHY_NOT;
    }

    /** The JDK socket under {@code socket} (plain or TLS), or null where it is out of reach. */
    static Socket javaSocket(HelidonSocket socket) {
        if (WHY_NOT != null || !DELEGATE.getDeclaringClass().isInstance(socket)) {
            return null;
        }
        try {
            return (Socket) DELEGATE.get(socket);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    /** The fd of {@code socket}, or -1 if it is not a plain socket whose fd can be read (e.g. TLS, or closed). */
    static int of(HelidonSocket socket) {
        if (WHY_NOT != null || socket.isSecure() || !DELEGATE.getDeclaringClass().isInstance(socket)) {
            return -1;
        }
        try {
            Object impl = IMPL.get(DELEGATE.get(socket));
            if (!(impl instanceof SocketImpl)) {
                return -1;
            }
            Object descriptor = FD.get(impl);
            return descriptor == null ? -1 : FD_VALUE.getInt(descriptor);
        } catch (IllegalAccessException e) {
            return -1;
        }
    }
}
