package io.cloudterm.observe;

import io.helidon.webserver.WebServerConfig;
import java.util.logging.Logger;

/**
 * The door to this package. {@link #available} says whether Helidon's metrics and health
 * observers are on the classpath; only then may {@link #install} be called, which is the first
 * time any class that names them is loaded. This class itself names none of them, so loading it
 * is safe either way.
 */
public final class Observability {

    private static final Logger LOG = Logger.getLogger(Observability.class.getName());
    private static final String[] REQUIRED = {
        "io.helidon.webserver.observe.ObserveFeature",
        "io.helidon.webserver.observe.metrics.MetricsObserver",
        "io.helidon.webserver.observe.health.HealthObserver",
        // Without a metrics provider, Helidon's registry is a no-op one: nothing to observe.
        "io.helidon.metrics.providers.micrometer.MicrometerMetricsFactoryProvider",
    };

    private Observability() {
    }

    /** Null when metrics and health can be served; otherwise the missing class, for the log. */
    public static String missing() {
        for (String name : REQUIRED) {
            try {
                Class.forName(name, false, Observability.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                return name;
            }
        }
        return null;
    }

    /**
     * Registers {@code server}'s meters and health checks and adds the observe feature at
     * {@code endpoint} (e.g. "/observe"). With {@code publicEndpoints}, health answers only UP or
     * DOWN: its details (paths, the pty system, errors) are for those who may log in. Returns what
     * undoes it at the server's stop; a no-op, with a log line saying why, when {@link #missing}
     * names a class.
     */
    public static Runnable install(WebServerConfig.Builder builder, String endpoint, ObservedServer server,
                                   boolean publicEndpoints) {
        String missing = missing();
        if (missing != null) {
            LOG.info("metrics and health: off, because " + missing + " is not on the classpath");
            return () -> { };
        }
        return ObserveFeatures.install(builder, endpoint, server, publicEndpoints);
    }
}
