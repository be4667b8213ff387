package io.cloudterm.pty;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * Chooses the pty implementation: the native one where it loads, the pure-Java one otherwise, and
 * says in one log line which one runs and why (the way Lucene's MMapDirectory reports its choice).
 */
public final class PtySystems {

    private static final Logger LOG = Logger.getLogger(PtySystems.class.getName());

    private PtySystems() {
    }

    /**
     * Returns the pty system for {@code mode}. With {@link NativeMode#ON}, failing to load the native
     * layer is an error (an {@link IllegalStateException} that says why) instead of a fallback.
     */
    public static PtySystem select(NativeMode mode) {
        if (mode == NativeMode.OFF) {
            LOG.info("pty: pure-Java mode (script(1) and stty), as --native=off asks");
            return new ScriptPtySystem();
        }
        String whyNot;
        try {
            PtySystem system = loadNative();
            LOG.info("pty: native mode, " + system.description());
            return system;
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
        return new ScriptPtySystem();
    }

    private static PtySystem loadNative() {
        for (NativePtyProvider provider : ServiceLoader.load(NativePtyProvider.class, PtySystems.class.getClassLoader())) {
            return provider.create();
        }
        throw new UnsupportedOperationException("the native layer is not on the class path");
    }
}
