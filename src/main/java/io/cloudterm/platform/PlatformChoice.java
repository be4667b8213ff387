package io.cloudterm.platform;

import io.cloudterm.pty.NativeMode;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * Chooses the platform: the native one where it loads, pure Java otherwise, and says in one log line
 * which one runs and why (the way Lucene's MMapDirectory reports its choice).
 */
final class PlatformChoice {

    private static final Logger LOG = Logger.getLogger(Platform.class.getName());

    private PlatformChoice() {
    }

    static Platform select(NativeMode mode) {
        if (mode == NativeMode.OFF) {
            LOG.info("pty: pure-Java mode (script(1) and stty), as --native=off asks");
            return new PureJavaPlatform();
        }
        String whyNot;
        try {
            Platform platform = loadNative();
            LOG.info("pty: native mode, " + platform.description());
            return platform;
        } catch (LinkageError e) {
            // UnsupportedClassVersionError on JDK 21: the bindings are JDK 22 class files.
            whyNot = "the native layer needs JDK 22 or newer (running " + Runtime.version().feature()
                    + "): " + e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (IllegalCallerException e) {
            whyNot = "native access is denied to this code; run with --enable-native-access=ALL-UNNAMED"
                    + " (java -jar sets it from the manifest)";
        } catch (UnsupportedOperationException | IllegalStateException | ServiceConfigurationError e) {
            whyNot = e.getMessage();
        }
        if (mode == NativeMode.ON) {
            throw new IllegalStateException("--native=on but the native layer cannot run: " + whyNot);
        }
        LOG.info("pty: pure-Java mode (script(1) and stty), because " + whyNot);
        return new PureJavaPlatform();
    }

    private static Platform loadNative() {
        for (NativePlatformProvider provider
                : ServiceLoader.load(NativePlatformProvider.class, PlatformChoice.class.getClassLoader())) {
            return provider.create();
        }
        throw new UnsupportedOperationException("the native layer is not on the class path");
    }
}
