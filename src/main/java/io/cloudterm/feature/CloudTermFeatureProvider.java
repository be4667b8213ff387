package io.cloudterm.feature;

import io.helidon.common.config.Config;
import io.helidon.webserver.spi.ServerFeatureProvider;

/**
 * Found by Helidon's service loader: gives every WebServer a {@link CloudTermFeature} configured
 * by {@code server.features.cloudterm}; without that node the feature is disabled.
 */
public final class CloudTermFeatureProvider implements ServerFeatureProvider<CloudTermFeature> {

    /** For the service loader. */
    public CloudTermFeatureProvider() {
    }

    @Override
    public String configKey() {
        return CloudTermFeature.KEY;
    }

    @Override
    public CloudTermFeature create(Config config, String name) {
        return CloudTermFeature.create(config);
    }
}
