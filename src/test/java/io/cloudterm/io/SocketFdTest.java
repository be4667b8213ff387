package io.cloudterm.io;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The fd under a JDK socket, on both ends of a connection: the accepted one and the one that connected. */
class SocketFdTest {

    @Test
    void bothEndsOfAConnectionHaveTheirSocketsFd() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "fds are checked in /proc");
        assertNull(SocketFd.whyNot());
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket connecting = new Socket()) { // a SOCKS SocketImpl around the platform's
            connecting.connect(listener.getLocalSocketAddress());
            try (Socket accepted = listener.accept()) {
                int connectingFd = SocketFd.of(connecting);
                int acceptedFd = SocketFd.of(accepted);
                assertTrue(isSocket(connectingFd), "fd " + connectingFd + " of the socket that connected");
                assertTrue(isSocket(acceptedFd), "fd " + acceptedFd + " of the accepted socket");
                assertNotEquals(connectingFd, acceptedFd);
            }
        }
    }

    private static boolean isSocket(int fd) throws IOException {
        return fd >= 0 && Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString().startsWith("socket:");
    }
}
