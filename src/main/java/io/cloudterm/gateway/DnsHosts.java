package io.cloudterm.gateway;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The hosts of {@code dns:NAME:PORT}: every address NAME has, looked up now and again every
 * {@code refresh} on a daemon thread of its own. A lookup that fails keeps the hosts of the last one
 * that worked: a DNS server that hiccups must not empty the gateway. Each change (hosts joined or
 * left, lookups failing, working again) is logged once, not at every refresh.
 */
final class DnsHosts implements HostDirectory {

    private static final Logger LOG = Logger.getLogger(DnsHosts.class.getName());

    private final String description;
    private final String name;
    private final int port;
    private final HostDirectory.Lookup lookup;
    private final ScheduledExecutorService refresher;
    private volatile List<HostAddress> current = List.of();
    /** Why the last lookup failed, null if it worked: a failure is logged when this changes. Touched by one thread at a time. */
    private String failure;

    private DnsHosts(String description, String name, int port, HostDirectory.Lookup lookup) {
        this.description = description;
        this.name = name;
        this.port = port;
        this.lookup = lookup;
        this.refresher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("cloudterm-hosts " + name).factory());
    }

    static DnsHosts start(String description, String name, int port, Duration refresh, HostDirectory.Lookup lookup) {
        if (refresh.isNegative() || refresh.isZero()) {
            throw new IllegalArgumentException("the refresh of --hosts " + description + " must be positive, e.g. 10s");
        }
        DnsHosts hosts = new DnsHosts(description, name, port, Objects.requireNonNull(lookup));
        // The first lookup runs now, on the caller's thread: the gateway starts knowing its hosts
        // (or having logged why it knows none). Scheduling the next ones publishes its result to
        // the refresher's thread.
        hosts.lookUp();
        long nanos = refresh.toNanos();
        hosts.refresher.scheduleWithFixedDelay(hosts::lookUp, nanos, nanos, TimeUnit.NANOSECONDS);
        return hosts;
    }

    /** Looks the name up once and keeps what it finds; package-private so that tests can step it. */
    void lookUp() {
        List<HostAddress> found;
        try {
            found = lookup.addresses(name).stream()
                    .map(address -> new HostAddress(literal(address), port))
                    .distinct()
                    .sorted(HostOrder.BY_ADDRESS)
                    .toList();
        } catch (Exception e) {
            // A lookup that throws anything (even a fake's bug) must not stop the refreshes.
            String why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            if (!why.equals(failure)) {
                LOG.warning("looking up " + name + " for --hosts failed (" + why + "); keeping the "
                        + current.size() + " hosts found before: " + current);
            }
            failure = why;
            return;
        }
        if (failure != null) {
            LOG.info("looking up " + name + " for --hosts works again");
            failure = null;
        }
        if (!found.equals(current)) {
            LOG.log(found.isEmpty() ? Level.WARNING : Level.INFO,
                    "hosts of " + description + " are now " + found + " (were " + current + ")");
            current = found;
        }
    }

    /** The address as text, without the name it was looked up by ({@code InetAddress.toString} has both). */
    private static String literal(InetAddress address) {
        return address.getHostAddress();
    }

    @Override
    public List<HostAddress> current() {
        return current;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
