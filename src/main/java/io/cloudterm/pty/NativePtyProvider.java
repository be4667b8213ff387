package io.cloudterm.pty;

/**
 * The hook the native layer (native-bindings/, JDK 22+) implements, found with
 * {@link java.util.ServiceLoader}. The main code never names the native classes.
 */
public interface NativePtyProvider {

    /**
     * Creates the native pty system, or throws if this process cannot use it: not Linux
     * ({@link UnsupportedOperationException}), native access denied ({@link IllegalCallerException}),
     * a missing libc symbol ({@link UnsatisfiedLinkError}).
     */
    PtySystem create();
}
