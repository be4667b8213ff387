package io.cloudterm.io;

import io.helidon.common.socket.HelidonSocket;
import java.lang.reflect.Field;
import java.net.Socket;

/**
 * The JDK socket and file descriptor under a Helidon 4.2 plain socket, which no API exposes:
 * {@code PlainSocket} wraps a {@code java.net.Socket}, whose fd {@link SocketFd} reads. Needs the
 * same {@code --add-opens} (the jar's manifest carries them); where they are missing,
 * {@link #whyNot} says so and nothing is taken over.
 */
public final class SocketFds {

    private static final Field DELEGATE;
    private static final String WHY_NOT;

    static {
        Field delegate = null;
        String whyNot = SocketFd.whyNot();
        try {
            delegate = Class.forName("io.helidon.common.socket.PlainSocket").getDeclaredField("delegate");
            delegate.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            whyNot = "the fd of Helidon's sockets is out of reach (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); run with --add-opens java.base/java.net=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED";
        }
        DELEGATE = delegate;
        WHY_NOT = whyNot;
    }

    private SocketFds() {
    }

    /** Null if fds can be read; otherwise why not, for the log. */
    public static String whyNot() {
        return WHY_NOT;
    }

    /** The JDK socket under {@code socket} (plain or TLS), or null where it is out of reach. */
    public static Socket javaSocket(HelidonSocket socket) {
        if (DELEGATE == null || !DELEGATE.getDeclaringClass().isInstance(socket)) {
            return null;
        }
        try {
            return (Socket) DELEGATE.get(socket);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    /** The fd of {@code socket}, or -1 if it is not a plain socket whose fd can be read (e.g. TLS, or closed). */
    public static int of(HelidonSocket socket) {
        if (WHY_NOT != null || socket.isSecure()) {
            return -1;
        }
        Socket java = javaSocket(socket);
        return java == null ? -1 : SocketFd.of(java);
    }
}
