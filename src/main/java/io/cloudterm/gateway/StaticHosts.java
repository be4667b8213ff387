package io.cloudterm.gateway;

import java.util.List;

/** The hosts of {@code static:...}: the same list for as long as the gateway runs. */
record StaticHosts(String description, List<HostAddress> current) implements HostDirectory {

    StaticHosts {
        current = current.stream().sorted(HostOrder.BY_ADDRESS).toList();
    }

    @Override
    public void close() {
    }
}
