package io.cloudterm.protocol;

/**
 * WebSocket close codes CloudTerm sends. Standard codes where one fits; otherwise the private
 * 4000-4999 range. 1005, 1006 and 1015 are reserved and never sent.
 */
public final class CloseCodes {

    /** The child exited; the reason carries its status ({@code exit 0}, {@code signal 9}). */
    public static final int NORMAL = 1000;
    /** The server is shutting down (RFC 6455's "going away"): the terminal ended with it, not by itself. */
    public static final int GOING_AWAY = 1001;
    /** A message larger than the server accepts. */
    public static final int TOO_BIG = 1009;
    /** The server is full for now. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** The server failed in a way the client could not cause. */
    public static final int SERVER_ERROR = 1011;

    /** A message out of order (anything before JSON_DATA, JSON_DATA twice) or an empty one. */
    public static final int PROTOCOL_VIOLATION = 4000;
    /** JSON_DATA or RESIZE_TERMINAL that is not a JSON object of the expected shape. */
    public static final int BAD_JSON = 4001;
    /** An unknown command byte. */
    public static final int UNKNOWN_COMMAND = 4002;
    /** A missing or wrong AuthToken. */
    public static final int AUTH_FAILED = 4003;
    /** The browser session behind the connection ended: logout, or expiry. */
    public static final int SESSION_ENDED = 4004;
    /** The terminal to reattach to has ended, never existed, or is someone else's. */
    public static final int NO_SUCH_TERMINAL = 4005;
    /** The user or the server has as many terminals as allowed. */
    public static final int TOO_MANY_TERMINALS = 4006;
    /** Too much output waited for this client while others kept the terminal going. */
    public static final int TOO_FAR_BEHIND = 4007;
    /** The client sent no JSON_DATA in time, or stopped answering pings. */
    public static final int TIMEOUT = 4008;
    /** The terminal, or the user across terminals, has as many clients attached as allowed. */
    public static final int TOO_MANY_CLIENTS = 4009;
    /**
     * Someone not signed in came with a share link that needs a login: a control link, or a view
     * link made for signed-in users only (or any link through a gateway).
     */
    public static final int LOGIN_REQUIRED = 4010;
    /** The command could not be started. */
    public static final int SPAWN_FAILED = 4500;
    /** Gateway: no host could be reached to open (or reattach to) the terminal; the reason names them. */
    public static final int HOST_UNREACHABLE = 4502;
    /** Gateway: the host running the terminal went away during the session; the reason names it. */
    public static final int HOST_LOST = 4503;

    private CloseCodes() {
    }
}
