package io.cloudterm.gateway;

import io.cloudterm.auth.GatewayKeys;
import io.cloudterm.auth.IdentitySigner;
import io.cloudterm.config.ServerConfig;
import io.cloudterm.io.BufferPool;
import io.cloudterm.io.CopyRelay;
import io.cloudterm.io.Relay;
import io.cloudterm.platform.Platform;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/** A {@link Gateway} as the configuration describes it, on the platform's sockets; says in the log how it relays. */
public final class GatewaySetup {

    private static final Logger LOG = Logger.getLogger(GatewaySetup.class.getName());
    /** A host that has not answered the upgrade by then is taken as down (the next one is tried). */
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(5);
    /** Each relay direction reads into one of these at a time, when it copies. */
    private static final int RELAY_BUFFER_BYTES = 64 * 1024;
    private static final int MAX_POOLED_RELAY_BUFFERS = 256;

    private GatewaySetup() {
    }

    /**
     * Starts the gateway of {@code config}. {@code whyNoTakeOver} is null where plain sockets are
     * taken over from Helidon (native mode, no TLS); otherwise why not, and relays copy over
     * Helidon's streams. Throws {@link IllegalArgumentException} for a configuration that cannot work.
     */
    public static Gateway start(ServerConfig config, Platform platform, String whyNoTakeOver) {
        ServerConfig.Gateway settings = config.gateway();
        IdentitySigner signer = new IdentitySigner(GatewayKeys.signing(settings.key().orElseThrow(),
                "--gateway-key " + settings.key().orElseThrow()));
        Placement placement = settings.placement() == ServerConfig.Gateway.Placement.LEAST_LOADED
                ? Placement.leastLoaded() : Placement.byUser();
        HostDirectory hosts = HostDirectory.of(settings.hosts().orElseThrow(), settings.refresh());
        Optional<Relay> splicing = whyNoTakeOver == null && settings.splice() ? platform.splicing() : Optional.empty();
        Relay relay = splicing.orElseGet(() -> new CopyRelay(new BufferPool(RELAY_BUFFER_BYTES, MAX_POOLED_RELAY_BUFFERS)));
        LOG.info(() -> "gateway: relaying terminals to " + hosts.description() + " (" + hosts.current().size() + " now), placed "
                + (settings.placement() == ServerConfig.Gateway.Placement.LEAST_LOADED ? "on the least loaded host" : "by user")
                + "; bytes moved " + (whyNoTakeOver != null ? "by copying over Helidon's connections, because " + whyNoTakeOver
                        : splicing.isPresent() ? "with splice(2), inside the kernel"
                        : settings.splice() ? "by copying (no splice(2) on this platform)" : "by copying (--relay copy)"));
        boolean leastLoaded = settings.placement() == ServerConfig.Gateway.Placement.LEAST_LOADED;
        return new Gateway(hosts, placement, signer, whyNoTakeOver == null ? platform.rawSockets() : Optional.empty(), relay,
                new Gateway.Timing(DIAL_TIMEOUT, config.pingInterval(), leastLoaded ? Optional.of(settings.refresh()) : Optional.empty()));
    }
}
