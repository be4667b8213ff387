package io.cloudterm.auth;

/** An authenticated user (or the anonymous one of --no-auth). */
public record Principal(String name) {
    public static final Principal ANONYMOUS = new Principal("");
}
