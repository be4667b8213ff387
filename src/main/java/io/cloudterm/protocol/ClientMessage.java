package io.cloudterm.protocol;

/** One decoded client-to-server message. */
public sealed interface ClientMessage {

    /**
     * JSON_DATA: the first message, with the auth token and the initial size; {@code share} is
     * CloudTerm's own optional field, a share token for another user's terminal ("" when absent).
     */
    record Handshake(String authToken, TerminalSize size, String share) implements ClientMessage {
    }

    /** INPUT: bytes for the pty. */
    record Input(byte[] bytes) implements ClientMessage {
    }

    /** RESIZE_TERMINAL. */
    record Resize(TerminalSize size) implements ClientMessage {
    }

    /** PAUSE: stop sending output to this client. */
    record Pause() implements ClientMessage {
    }

    /** RESUME: start sending again. */
    record Resume() implements ClientMessage {
    }
}
