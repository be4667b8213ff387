package io.cloudterm.observe;

import io.helidon.webserver.WebServerConfig;
import java.util.logging.Logger;

/**
 * The door to this package. It checks that Helidon's metrics (for {@link #meters}) or its observe
 * feature with metrics and health (for {@link #install}) are on the classpath before any class
 * that names them is loaded. This class itself names none of them, so loading it is safe either way.
 */
public final class Observability {

    private static final Logger LOG = Logger.getLogger(Observability.class.getName());
    /** What CloudTerm's meters need: an application with metrics has these. */
    private static final String[] METERS = {
        "io.helidon.metrics.api.Metrics",
    };
    /** What the stand-alone server's own observe feature needs. */
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
        return missing(REQUIRED);
    }

    private static String missing(String[] required) {
        for (String name : required) {
            try {
                Class.forName(name, false, Observability.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                return name;
            }
        }
        return null;
    }

    /**
     * Counts {@code server} in CloudTerm's meters, in Helidon's global registry: the registry the
     * observe feature of the same process serves, the stand-alone server's or that of the
     * application CloudTerm is mounted in. Returns what takes it out again when the site stops; a
     * no-op when Helidon metrics are not on the classpath.
     */
    public static Runnable meters(ObservedServer server) {
        if (missing(METERS) != null) {
            return () -> { };
        }
        return CloudTermMeters.observe(server);
    }

    /**
     * Adds the stand-alone server's observe feature at {@code endpoint} (e.g. "/observe"): the
     * metrics of the global registry and {@code server}'s health checks. With {@code publicEndpoints},
     * health answers only UP or DOWN: its details (paths, the pty system, errors) are for those who
     * may log in. Does nothing, with a log line saying why, when {@link #missing} names a class.
     */
    public static void install(WebServerConfig.Builder builder, String endpoint, ObservedServer server,
                               boolean publicEndpoints) {
        String missing = missing();
        if (missing != null) {
            LOG.info("metrics and health: off, because " + missing + " is not on the classpath");
            return;
        }
        ObserveFeatures.install(builder, endpoint, server, publicEndpoints);
    }
}
