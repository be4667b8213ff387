package io.cloudterm.protocol;

import jakarta.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes server-to-client messages: a command byte and its payload. */
public final class ServerMessages {

    public static final byte OUTPUT = '0';
    public static final byte SET_WINDOW_TITLE = '1';
    public static final byte SET_PREFERENCES = '2';
    /**
     * CloudTerm's own: JSON about the terminal behind the connection ({@code terminal}, the handle
     * to reattach with; {@code reattached}). ttyd clients ignore command bytes they do not know.
     */
    public static final byte TERMINAL_INFO = '3';
    /**
     * CloudTerm's own, without payload: the replayed history ends here, live output follows. Sent
     * once to every client, right after the history (at once when there is none), before any live
     * output. A terminal emulator answers queries it finds in the history (cursor position, device
     * attributes, colours); a client must not send those answers as INPUT, because the program that
     * asked is long gone or asked something else: they would arrive as typed junk. This message
     * tells the client where the history ends, so it can drop them and still answer live queries.
     */
    public static final byte REPLAY_END = '4';

    private ServerMessages() {
    }

    /**
     * One OUTPUT message carrying the remaining bytes of every buffer in order. Joining what queued
     * up into one message keeps the message count (and the browser's per-message cost) down when
     * output outpaces the socket. The buffers' positions are not changed.
     */
    public static byte[] output(List<ByteBuffer> payloads) {
        int total = 0;
        for (ByteBuffer payload : payloads) {
            total += payload.remaining();
        }
        byte[] message = new byte[1 + total];
        message[0] = OUTPUT;
        int at = 1;
        for (ByteBuffer payload : payloads) {
            int n = payload.remaining();
            payload.get(payload.position(), message, at, n);
            at += n;
        }
        return message;
    }

    public static byte[] title(String title) {
        return withCommand(SET_WINDOW_TITLE, title);
    }

    public static byte[] preferences(JsonObject preferences) {
        return withCommand(SET_PREFERENCES, preferences.toString());
    }

    public static byte[] terminalInfo(JsonObject info) {
        return withCommand(TERMINAL_INFO, info.toString());
    }

    /**
     * Which terminal the client is attached to (the handle to reattach by), whether it was there
     * before, what the client may do there: its {@code role} ({@code owner}, {@code controller}
     * through a control link, {@code viewer} when it only watches) and, through a share link,
     * whose terminal it is ({@code sharedBy}, may be null); and whether the page may answer a
     * program's OSC 52 request to read the clipboard.
     */
    public static byte[] terminalInfo(String handle, boolean reattached, String role, String sharedBy, boolean clipboardRead) {
        var info = JsonFactories.BUILDERS.createObjectBuilder().add("terminal", handle).add("reattached", reattached)
                .add("role", role);
        if (sharedBy != null) {
            info.add("sharedBy", sharedBy);
        }
        return terminalInfo(info.add("clipboardRead", clipboardRead).build());
    }

    public static byte[] replayEnd() {
        return new byte[] {REPLAY_END};
    }

    /** A message of the protocol, in either direction: its command byte, then the text in UTF-8. */
    public static byte[] withCommand(byte command, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[1 + utf8.length];
        message[0] = command;
        System.arraycopy(utf8, 0, message, 1, utf8.length);
        return message;
    }
}
