package io.cloudterm.terminal;

/**
 * Whose a client attached to a terminal is: its owner's own, or a guest's through a share link.
 * A terminal counts the two apart, each up to {@link TerminalSettings#maxClients}, so that guests
 * who take every guest seat never lock the owner out of their own terminal (a reload, a second
 * tab), and the owner's clients never take a seat from a guest. The total stays bounded (twice
 * the limit), and with it the output a terminal may hold for clients that do not read.
 */
public enum Seat {

    /** The user who started the terminal, whatever it may do on this server (see {@link ClientRole}). */
    OWNER,
    /** Someone else, through a share link, view-only or with control. */
    GUEST
}
