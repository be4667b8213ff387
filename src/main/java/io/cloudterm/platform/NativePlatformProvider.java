package io.cloudterm.platform;

/**
 * The hook the native layer (native-bindings/, JDK 22+) implements, found with
 * {@link java.util.ServiceLoader}. The main code never names the native classes.
 */
public interface NativePlatformProvider {

    /**
     * Starts the native platform, or throws if this process cannot use it: not Linux
     * ({@link UnsupportedOperationException}), native access denied ({@link IllegalCallerException}),
     * a missing libc symbol ({@link UnsatisfiedLinkError}), a kernel too old ({@link UnsupportedOperationException}).
     */
    Platform create();
}
