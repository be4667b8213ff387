package io.cloudterm.gateway;

import java.util.Comparator;

/** The one order hosts are listed in, so a list that did not change compares equal and logs read alike. */
final class HostOrder {

    static final Comparator<HostAddress> BY_ADDRESS =
            Comparator.comparing(HostAddress::host).thenComparingInt(HostAddress::port);

    private HostOrder() {
    }
}
