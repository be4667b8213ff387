package io.cloudterm.terminal;

import io.cloudterm.pty.Signal;
import java.time.Duration;

/**
 * How terminals behave, the same for all of them in one server.
 *
 * @param hangupSignal  sent to the process group when the last client leaves
 * @param killGrace     how long after that a child still alive gets SIGKILL
 * @param highWaterBytes output queued for one client past which it takes no more for now
 * @param maxMessageBytes the largest OUTPUT message sent (queued output is joined up to this)
 * @param maxPendingInput input bytes queued for a child that does not read, before the client is
 *                      cut off (a paste into a program that never reads must not grow memory)
 * @param keepAlive     how long a terminal lives on with nobody attached; zero hangs it up when
 *                      the last client leaves (ttyd's behaviour)
 * @param maxBehindBytes output waiting for one client (history still to replay included), while
 *                      the terminal goes on without it, past which that client is let go (it may
 *                      reattach and catch up from the scrollback)
 * @param maxClients    clients attached to one terminal at once in each {@link Seat} (its owner's,
 *                      guests'); more are refused
 */
public record TerminalSettings(Signal hangupSignal, Duration killGrace, int highWaterBytes,
                               int maxMessageBytes, int maxPendingInput, Duration keepAlive, int maxBehindBytes,
                               int maxClients) {

    /** 32 clients: a class or a team watching one terminal, with room to spare; see README. */
    public static final int DEFAULT_MAX_CLIENTS = 32;

    public TerminalSettings {
        if (maxClients < 1) {
            throw new IllegalArgumentException("a terminal must take at least one client, not " + maxClients);
        }
    }

    public static TerminalSettings defaults() {
        return new TerminalSettings(Signal.HUP, Duration.ofSeconds(5), 256 * 1024, 64 * 1024, 4 * 1024 * 1024,
                Duration.ofMinutes(10), 4 * 1024 * 1024, DEFAULT_MAX_CLIENTS);
    }

    public TerminalSettings withHangup(Signal signal, Duration grace) {
        return new TerminalSettings(signal, grace, highWaterBytes, maxMessageBytes, maxPendingInput, keepAlive,
                maxBehindBytes, maxClients);
    }

    public TerminalSettings withKeepAlive(Duration keepAlive) {
        return new TerminalSettings(hangupSignal, killGrace, highWaterBytes, maxMessageBytes, maxPendingInput, keepAlive,
                maxBehindBytes, maxClients);
    }

    public TerminalSettings withMaxClients(int maxClients) {
        return new TerminalSettings(hangupSignal, killGrace, highWaterBytes, maxMessageBytes, maxPendingInput, keepAlive,
                maxBehindBytes, maxClients);
    }
}
