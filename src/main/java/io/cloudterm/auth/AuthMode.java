package io.cloudterm.auth;

/** How people log in, decided at start-up from the options. */
public enum AuthMode {
    /** A random access token printed at start (the default): exchanged at the login endpoint for a cookie. */
    TOKEN,
    /** HTTP Basic with the --credential user:password pair (ttyd's -c). */
    BASIC,
    /** Accounts from an htpasswd file with bcrypt hashes (--users): a login page, and Basic for scripts. */
    USERS,
    /** The verified client certificate's subject is the user (--ssl-ca with no other login). */
    CLIENT_CERTIFICATE,
    /** Nobody is asked (--no-auth, loopback only). */
    NONE
}
