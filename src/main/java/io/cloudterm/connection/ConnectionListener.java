package io.cloudterm.connection;

import java.nio.ByteBuffer;

/**
 * What happens on one {@link Connection}, in order, from the one thread that reads it at a time:
 * {@link #opened}, then messages and signs of life, then exactly one of {@link #closed} or
 * {@link #error}.
 */
public interface ConnectionListener {

    /** The connection is open; {@code connection} is the one to answer on. */
    void opened(Connection connection);

    /**
     * A piece of a message (text and binary alike, text as its UTF-8 bytes; a character may be split
     * between pieces); {@code last} ends the message. The buffer is the connection's: read it now,
     * do not keep it.
     */
    void message(ByteBuffer piece, boolean last);

    /** The client showed it is alive without a message (a ping, which the connection answers itself, or a pong). */
    void heard();

    /** The client closed the connection, with a close frame ({@code code}, {@code reason}) or by hanging up. */
    void closed(int code, String reason);

    /** The connection broke, or the client broke the protocol (it has been told, and is being closed). */
    void error(Throwable failure);
}
