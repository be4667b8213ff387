package io.cloudterm.auth;

/** Checks a user name and password against the accounts; slow on purpose (bcrypt). */
@FunctionalInterface
public interface PasswordVerifier {

    /** The outcome of one check. */
    enum Verdict {
        /** The user exists and the password is right. */
        RIGHT,
        /** Unknown user or wrong password: the two are never told apart. */
        WRONG,
        /** Too many checks are running or queued; nothing was checked. */
        BUSY
    }

    /**
     * Checks, blocking the caller (a virtual thread) until the verdict; never keeps the password.
     * {@code client} is the connection's peer address, so that the checks are shared fairly
     * between clients (see {@link PasswordCheck}).
     */
    Verdict verify(String client, String user, char[] password);
}
