package io.cloudterm.gateway;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A {@code --hosts} value read: a fixed list of hosts, or a DNS name and the port its hosts listen on. */
sealed interface HostsValue {

    String EXAMPLES = "e.g. --hosts static:10.0.0.5:7681,10.0.0.6:7681 or --hosts dns:cloudterm-hosts.default.svc:7681";

    /** {@code static:host:port,...}, in the order given, duplicates left out. */
    record Fixed(List<HostAddress> hosts) implements HostsValue {
    }

    /** {@code dns:name:port}. */
    record Named(String name, int port) implements HostsValue {
    }

    static HostsValue parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw wrong("--hosts is empty");
        }
        String value = spec.strip();
        if (value.startsWith("static:")) {
            return fixed(value.substring("static:".length()));
        }
        if (value.startsWith("dns:")) {
            return named(value.substring("dns:".length()));
        }
        throw wrong("--hosts " + spec + " must start with static: (a list of hosts) or dns: (a name to look up)");
    }

    private static Fixed fixed(String list) {
        if (list.isBlank()) {
            throw wrong("--hosts static: lists no host");
        }
        Set<HostAddress> hosts = new LinkedHashSet<>();
        for (String item : list.split(",", -1)) {
            String entry = item.strip();
            if (entry.isEmpty()) {
                throw wrong("--hosts static:" + list + " has an empty entry between commas");
            }
            hosts.add(hostAndPort(entry));
        }
        return new Fixed(List.copyOf(hosts));
    }

    private static Named named(String nameAndPort) {
        int colon = nameAndPort.lastIndexOf(':');
        if (colon < 0) {
            throw wrong("--hosts dns:" + nameAndPort + " has no port (dns:NAME:PORT)");
        }
        String name = nameAndPort.substring(0, colon);
        if (name.isEmpty() || name.indexOf(':') >= 0 || !isHostName(name)) {
            throw wrong("--hosts dns:" + nameAndPort + " needs a DNS name before the port (dns:NAME:PORT)");
        }
        return new Named(name, port(nameAndPort.substring(colon + 1), "dns:" + nameAndPort));
    }

    /** {@code host:port} or {@code [ipv6]:port}. */
    private static HostAddress hostAndPort(String entry) {
        String host;
        String port;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0 || close + 1 >= entry.length() || entry.charAt(close + 1) != ':') {
                throw wrong("host " + entry + " must look like [IPv6]:PORT, e.g. [fd00::5]:7681");
            }
            host = entry.substring(1, close);
            port = entry.substring(close + 2);
            if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%')) {
                throw wrong("host " + entry + " has no IPv6 address between the brackets, e.g. [fd00::5]:7681");
            }
        } else {
            int colon = entry.lastIndexOf(':');
            if (colon < 0) {
                throw wrong("host " + entry + " has no port (HOST:PORT)");
            }
            host = entry.substring(0, colon);
            port = entry.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw wrong("host " + entry + ": an IPv6 address goes in brackets, e.g. [fd00::5]:7681");
            }
            if (host.isEmpty() || !isHostName(host)) {
                throw wrong("host " + entry + " needs a host name or address before the port (HOST:PORT)");
            }
        }
        return new HostAddress(host, port(port, entry));
    }

    private static boolean isHostName(String name) {
        return name.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '_');
    }

    private static int port(String text, String where) {
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw wrong(where + ": the port " + (text.isEmpty() ? "is missing" : text + " is not a number from 1 to 65535"));
        }
        if (port < 1 || port > 65535) {
            throw wrong(where + ": the port " + port + " is not between 1 and 65535");
        }
        return port;
    }

    private static IllegalArgumentException wrong(String what) {
        return new IllegalArgumentException(what + "; " + EXAMPLES);
    }
}
