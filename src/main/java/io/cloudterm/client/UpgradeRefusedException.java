package io.cloudterm.client;

import java.io.IOException;

/** The server answered the WebSocket upgrade with something other than 101: its status and head. */
public final class UpgradeRefusedException extends IOException {

    private final int status;

    UpgradeRefusedException(int status, String head) {
        super("upgrade refused: " + head);
        this.status = status;
    }

    /** The HTTP status the server answered, e.g. 401 or 403. */
    public int status() {
        return status;
    }
}
