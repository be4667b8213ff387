package io.cloudterm.gateway;

/** One CloudTerm host as the gateway reaches it: an address (IP literal or name) and a port. */
public record HostAddress(String host, int port) {

    /** {@code host:port}, IPv6 in brackets: how the host is named in logs, closes and the terminals page. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
