package io.cloudterm.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * The hosts there are now: a fixed list ({@code static:h1:7681,h2:7681}) or every A/AAAA address of
 * a DNS name ({@code dns:cloudterm-hosts.default.svc:7681}, what a Kubernetes headless Service
 * publishes), looked up again every {@code refresh}.
 *
 * <p>A static list may name hosts or addresses, IPv6 in brackets ({@code static:[fd00::5]:7681});
 * a host given twice counts once. A DNS name's hosts are its addresses, each on the port given; a
 * lookup that fails keeps the hosts of the last one that worked.
 */
public interface HostDirectory extends AutoCloseable {

    /**
     * The directory a {@code --hosts} value names. Throws {@link IllegalArgumentException} with a
     * message for the command line (what is wrong and an example) if the value cannot be used.
     */
    static HostDirectory of(String spec, Duration refresh) {
        return of(spec, refresh, Lookup.SYSTEM);
    }

    /** As {@link #of(String, Duration)}, with DNS names looked up by {@code lookup}. */
    static HostDirectory of(String spec, Duration refresh, Lookup lookup) {
        HostsValue value = HostsValue.parse(spec);
        return switch (value) {
            case HostsValue.Fixed fixed -> new StaticHosts(spec, fixed.hosts());
            case HostsValue.Named named -> DnsHosts.start(spec, named.name(), named.port(), refresh, lookup);
        };
    }

    /** The hosts now, sorted, never null; empty while a DNS name resolves to nothing. */
    List<HostAddress> current();

    /** The {@code --hosts} value, for the log. */
    String description();

    /** Stops looking the name up again. */
    @Override
    void close();

    /** How a DNS name becomes addresses: the system resolver, or a fake one in tests. */
    @FunctionalInterface
    interface Lookup {

        /**
         * The JDK's resolver: every A and AAAA record. Note that the JDK caches an answer for
         * {@code networkaddress.cache.ttl} seconds (30 by default), so a refresh shorter than that
         * sees a change only once the JDK's cache lets it through.
         */
        Lookup SYSTEM = name -> List.of(InetAddress.getAllByName(name));

        /** The addresses of {@code name}; throws if it cannot be looked up (unknown name, no DNS server). */
        List<InetAddress> addresses(String name) throws IOException;
    }
}
