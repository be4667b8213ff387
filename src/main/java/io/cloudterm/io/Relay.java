package io.cloudterm.io;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Moves one WebSocket connection's bytes both ways, unchanged, between the client's socket and the
 * host's, once the host has answered the upgrade: the gateway decodes no frame of it. Each
 * direction is paced by its sockets (a stalled reader stops its writer; nothing grows in memory),
 * and an idle connection holds no thread.
 *
 * <p>The rules every relay follows ({@link RelayedConnection}): one side's end of stream becomes a
 * half-close of the other side's output; the client's connection failing closes both; the host's
 * connection ending or failing before its Close frame gets the client {@code hostLost} if the
 * client is between frames, else the client's socket is closed without it. Relays over streams
 * (TLS, pure Java) are {@link StreamRelay}; the copying one is {@link CopyRelay}, the splicing one
 * {@code Platform.splicing()}.
 */
public interface Relay {

    /** The name of the virtual threads that move a relay's bytes, each for one burst. */
    String THREAD_NAME = "cloudterm-relay";

    /**
     * Starts relaying and returns at once; any thread may call it. From now on the relay owns both
     * sockets (the caller neither reads, writes nor closes them) and closes them at the end. The
     * buffers are copied before this returns: the caller may reuse them.
     *
     * @param client the client's socket
     * @param fromClient bytes already read from the client, sent to the host first
     * @param host the host's socket, after its 101
     * @param fromHost bytes already read from the host after its 101, sent to the client first
     * @param hostLost a whole WebSocket Close frame (server to client: unmasked) that the client
     *     gets, at a frame boundary, when the host's side ends or fails before it sent a Close
     *     frame of its own; then both sockets are closed
     * @return completes once both sockets are closed, never exceptionally, on a relay thread
     *     (what depends on it should be short, or run elsewhere)
     */
    CompletableFuture<Relayed> start(RawSocket client, ByteBuffer fromClient, RawSocket host, ByteBuffer fromHost,
                                     ByteBuffer hostLost);

    /**
     * What went through a relay, and why it ended.
     *
     * @param clientToHost bytes the host's socket took from the client's side, read-ahead included
     * @param hostToClient bytes the client's socket took from the host's side, without {@code hostLost}
     * @param hostLost whether the host's side ended or failed before its Close frame (whether or
     *     not the client could be given {@code hostLost}: {@code why} says)
     * @param why the first reason the relay ended, in words for the log
     */
    record Relayed(long clientToHost, long hostToClient, boolean hostLost, String why) {
    }
}
