package io.cloudterm.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The relay over plain streams, for connections the native layer cannot drive: TLS on either side
 * (the bytes on the socket are not the WebSocket's), or pure-Java mode. One virtual thread per
 * direction blocks in its source's read, and so holds its stack while the connection is idle;
 * otherwise the rules are those of the other relays ({@link RelayedConnection}): half-closes are
 * passed on, and a host lost before its Close frame is told to the client at a frame boundary.
 *
 * <p>A half-close of a side is {@link Socket#shutdownOutput} where its {@code Closeable} is a
 * {@link Socket} (an {@code SSLSocket} sends its close_notify then), else the close of its output
 * stream.
 */
public final class StreamRelay {

    private static final Logger LOG = Logger.getLogger(StreamRelay.class.getName());
    /** Bytes one read may take: about what a socket buffer hands over at once. */
    private static final int CHUNK = 64 * 1024;

    private StreamRelay() {
    }

    /**
     * Starts relaying, as {@link Relay#start} does, and returns at once: the relay owns both sides
     * from now on and closes {@code client} and {@code host} at the end.
     */
    public static CompletableFuture<Relay.Relayed> start(InputStream clientIn, OutputStream clientOut, Closeable client,
                                                         ByteBuffer fromClient,
                                                         InputStream hostIn, OutputStream hostOut, Closeable host,
                                                         ByteBuffer fromHost, ByteBuffer hostLost) {
        RelayedConnection connection = new RelayedConnection(() -> closeQuietly(client), () -> closeQuietly(host));
        ByteBuffer lostFrame = RelayDirection.copy(hostLost);
        Direction toHost = new Direction(clientIn, hostOut, () -> endOutput(host, hostOut), RelayDirection.copy(fromClient),
                null, null, connection);
        Direction toClient = new Direction(hostIn, clientOut, () -> endOutput(client, clientOut), RelayDirection.copy(fromHost),
                new FrameBoundaries(), lostFrame, connection);
        CopyRelay.THREADS.newThread(toHost::run).start();
        CopyRelay.THREADS.newThread(toClient::run).start();
        return connection.finished();
    }

    private static void endOutput(Closeable side, OutputStream out) {
        try {
            if (side instanceof Socket socket) {
                socket.shutdownOutput();
            } else {
                out.close();
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(Level.FINE, "ending a relayed side's output", e);
        }
    }

    private static void closeQuietly(Closeable side) {
        try {
            side.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing a relayed side", e);
        }
    }

    /** One way through; toward the client, {@code frames} follows what passes. */
    private record Direction(InputStream from, OutputStream to, Runnable endOutput, ByteBuffer pending,
                             FrameBoundaries frames, ByteBuffer hostLost, RelayedConnection connection) {

        void run() {
            try {
                relay();
            } catch (RuntimeException | Error e) {
                connection.broke(e);
            }
        }

        private void relay() {
            if (!deliver(pending.array(), pending.arrayOffset() + pending.position(), pending.remaining())) {
                return;
            }
            byte[] buffer = new byte[CHUNK];
            while (true) {
                int read;
                try {
                    read = from.read(buffer);
                } catch (IOException e) {
                    sourceEnded(e);
                    return;
                }
                if (read < 0) {
                    sourceEnded(null);
                    return;
                }
                if (!deliver(buffer, 0, read)) {
                    return;
                }
            }
        }

        private boolean deliver(byte[] bytes, int offset, int length) {
            if (length == 0) {
                return true;
            }
            if (frames != null) {
                frames.passed(ByteBuffer.wrap(bytes, offset, length));
            }
            try {
                to.write(bytes, offset, length);
                to.flush();
            } catch (IOException e) {
                connection.writeFailed(frames != null, e); // frames are tracked towards the client only
                return false;
            }
            connection.moved(frames != null, length);
            return true;
        }

        private void sourceEnded(IOException failure) {
            if (frames != null) {
                connection.hostSideEnded(failure, frames, hostLost, frame -> {
                    to.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
                    to.flush();
                }, endOutput);
            } else {
                connection.clientSideEnded(failure, endOutput);
            }
        }
    }
}
