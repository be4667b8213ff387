package io.cloudterm.observe;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import java.util.function.LongSupplier;

/**
 * A gateway knows at least one host to relay terminals to. A readiness check: a gateway with none
 * (a DNS name with no ready pods behind it) should get no users, but restarting it would not help.
 */
final class HostsCheck implements HealthCheck {

    private final LongSupplier hosts;

    HostsCheck(LongSupplier hosts) {
        this.hosts = hosts;
    }

    @Override
    public String name() {
        return "gateway-hosts";
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public HealthCheckResponse call() {
        long known = hosts.getAsLong();
        HealthCheckResponse.Builder response = HealthCheckResponse.builder().status(known > 0).detail("hosts", known);
        return known > 0 ? response.build() : response.detail("error", "no hosts known now").build();
    }
}
