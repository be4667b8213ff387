package io.cloudterm.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cloudterm.io.RawSockets;
import io.cloudterm.platform.Platform;
import io.cloudterm.pty.NativeMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * The native platform's sockets and a loopback listener to make connected pairs with: what the
 * tests of sockets taken over by the native layer (raw sockets, relays, pipes) start from.
 * Skips the test class off Linux.
 */
public record NativeLoopback(Platform platform, RawSockets sockets, ServerSocketChannel listener) implements AutoCloseable {

    public static NativeLoopback open() throws IOException {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "native sockets are Linux only");
        Platform platform = Platform.select(NativeMode.ON);
        return new NativeLoopback(platform, platform.rawSockets().orElseThrow(),
                ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    }

    @Override
    public void close() throws IOException {
        try {
            listener.close();
        } finally {
            platform.close();
        }
    }
}
