package io.cloudterm.gateway;

import java.time.Duration;
import java.util.List;

/**
 * The hosts there are now: a fixed list ({@code static:h1:7681,h2:7681}) or every A/AAAA address of
 * a DNS name ({@code dns:cloudterm-hosts.default.svc:7681}, what a Kubernetes headless Service
 * publishes), looked up again every {@code refresh}.
 */
public interface HostDirectory extends AutoCloseable {

    /**
     * The directory a {@code --hosts} value names. Throws {@link IllegalArgumentException} with a
     * message for the command line (what is wrong and an example) if the value cannot be used.
     */
    static HostDirectory of(String spec, Duration refresh) {
        throw new UnsupportedOperationException("to come");
    }

    /** The hosts now, sorted, never null; empty while a DNS name resolves to nothing. */
    List<HostAddress> current();

    /** The {@code --hosts} value, for the log. */
    String description();

    /** Stops looking the name up again. */
    @Override
    void close();
}
