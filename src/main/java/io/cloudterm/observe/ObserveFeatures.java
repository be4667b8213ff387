package io.cloudterm.observe;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.health.HealthObserverConfig;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/** Builds Helidon's observe feature for one server: loaded only once {@link Observability} found it all. */
final class ObserveFeatures {

    private ObserveFeatures() {
    }

    static void install(WebServerConfig.Builder builder, String endpoint, ObservedServer server,
                        boolean publicEndpoints) {
        HealthObserverConfig.Builder health = HealthObserver.builder().details(!publicEndpoints)
                .addCheck(new PtySpawnCheck(server.ptys()));
        server.recordingDirectory().ifPresent(directory -> health.addCheck(PathCheck.recordingDirectory(directory)));
        server.usersFile().ifPresent(file -> health.addCheck(PathCheck.usersFile(file)));
        if (server.relays() != ObservedServer.Relays.NONE) {
            health.addCheck(new HostsCheck(server.relays().hosts()));
        }
        builder.addFeature(ObserveFeature.builder()
                .endpoint(endpoint)
                // Only what we configure here: no observer found on the classpath joins uninvited.
                .observersDiscoverServices(false)
                .addObserver(MetricsObserver.create())
                .addObserver(health.build())
                .build());
    }
}
