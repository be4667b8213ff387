package io.cloudterm.protocol;

/** A client broke the protocol; the connection closes with {@link #closeCode()} and the message as reason. */
public final class ProtocolException extends Exception {

    private final int closeCode;

    public ProtocolException(int closeCode, String reason) {
        super(reason);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
