package io.cloudterm.web;

import io.cloudterm.web.Gate.Refusal;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Decides whether a request's {@code Host} names this server. Without this check a web page can
 * reach a loopback server through DNS rebinding: the attacker's name first resolves to their own
 * server, then to 127.0.0.1, and the browser sends {@code Host: evil.example:PORT} with a matching
 * {@code Origin}, which a same-origin check (Origin against Host) accepts. Checking Host against
 * the names the server really answers to closes that for every request, in every auth mode.
 *
 * <p>The names, each with the listening port or with no port at all. (Strictly a Host without a port
 * means the scheme's default one; hand-written clients leave it out for any port, and it is the
 * name, not the port, that DNS rebinding changes.) The names:
 * <ul>
 *   <li>the bound address as written: {@code 127.0.0.1}, {@code [::1]}, {@code 192.0.2.7}...;</li>
 *   <li>for a loopback bind, also {@code localhost};</li>
 *   <li>for a bind by name ({@code -i myhost}), that name and the address it resolved to at start;</li>
 *   <li>for a wildcard bind (0.0.0.0 or ::), every address of this machine's interfaces at start,
 *       and {@code localhost}. Machine names (and names a reverse proxy forwards) are not guessed:
 *       the operator lists them;</li>
 *   <li>every {@code --allow-host} name: {@code NAME} with any port, {@code NAME:PORT} with that one.
 *       {@code *} turns the check off, which brings DNS rebinding back.</li>
 * </ul>
 * {@code X-Forwarded-Host} is never read: any client can write it.
 *
 * <p>Answers: 400 for a missing Host on HTTP/1.1, several Host lines or a malformed one, as
 * RFC 9112 section 3.2 requires; 421 Misdirected Request for a well-formed Host that is not ours,
 * the status RFC 9110 gives a request "directed at a server that is unable or unwilling to produce
 * an authoritative response for the target URI", which a browser shows as an error and no script
 * can read.
 */
final class HostPolicy implements Filter {

    private static final Logger LOG = Logger.getLogger(HostPolicy.class.getName());

    /** A name, or an IPv6 literal in brackets, then an optional port. */
    private static final Pattern HOST = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9._-]+)(?::(\\d{1,5}))?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final boolean anyHost;
    /** Names (lower case, IPv6 literals in brackets, canonical) reached at the listening port. */
    private final Set<String> ownNames;
    /** Operator-given names valid at any port. */
    private final Set<String> allowedAnyPort;
    /** Operator-given "name:port" pairs. */
    private final Set<String> allowedWithPort;
    private final IntSupplier port;
    private final int defaultPort;

    /**
     * @param bindHost the address or name the server listens on
     * @param allowed  the {@code --allow-host} values ({@code NAME} or {@code NAME:PORT}, or {@code *})
     * @param port     the listening port, read per request (it is known only once bound)
     * @param secure   whether the scheme is https (default port 443, else 80)
     */
    HostPolicy(String bindHost, Set<String> allowed, IntSupplier port, boolean secure) {
        this.anyHost = allowed.contains("*");
        this.port = port;
        this.defaultPort = secure ? 443 : 80;
        this.ownNames = Collections.unmodifiableSet(ownNames(bindHost));
        Set<String> anyPort = new HashSet<>();
        Set<String> withPort = new HashSet<>();
        for (String entry : allowed) {
            if (entry.equals("*")) {
                continue;
            }
            Matcher m = HOST.matcher(entry.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("--allow-host wants NAME or NAME:PORT, not '" + entry + "'");
            }
            String name = normalizeName(m.group(1));
            if (m.group(2) == null) {
                anyPort.add(name);
            } else {
                withPort.add(name + ":" + Integer.parseInt(m.group(2)));
            }
        }
        this.allowedAnyPort = Set.copyOf(anyPort);
        this.allowedWithPort = Set.copyOf(withPort);
    }

    /**
     * Null if the request's Host names this server; otherwise why not, with the status to answer.
     * {@code http11}: whether the request is HTTP/1.1 (where Host is mandatory) rather than 1.0.
     */
    Refusal refusal(Headers headers, boolean http11) {
        List<String> hosts = headers.all(HeaderNames.HOST, List::of);
        if (hosts.isEmpty()) {
            return http11 ? new Refusal(Status.BAD_REQUEST_400, "missing Host header", 0) : null;
        }
        if (hosts.size() > 1) {
            return new Refusal(Status.BAD_REQUEST_400, "more than one Host header", 0);
        }
        if (anyHost) {
            return null;
        }
        Matcher m = HOST.matcher(hosts.getFirst().trim());
        if (!m.matches()) {
            return new Refusal(Status.BAD_REQUEST_400, "malformed Host header", 0);
        }
        String name = normalizeName(m.group(1));
        boolean noPort = m.group(2) == null;
        int requestPort = noPort ? defaultPort : Integer.parseInt(m.group(2));
        if ((ownNames.contains(name) && (noPort || requestPort == port.getAsInt())) || allowedAnyPort.contains(name)
                || allowedWithPort.contains(name + ":" + requestPort)) {
            return null;
        }
        return new Refusal(Status.create(421, "Misdirected Request"),
                "this server does not answer to that Host name; its operator can add it with --allow-host", 0);
    }

    /**
     * Before any route: a request for another Host is answered here, with one log line. WebSocket
     * upgrades are decided before routing, by {@link Gate}, with this same policy; a refused one
     * comes here as a plain request.
     */
    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        Refusal refusal = refusal(request.headers(), "1.1".equals(request.prologue().protocolVersion()));
        if (refusal == null) {
            chain.proceed();
            return;
        }
        LOG.warning(() -> "refused " + request.prologue().method().text() + " from " + request.remotePeer().host()
                + " for Host '" + forLog(request.headers()) + "': " + refusal.reason());
        response.status(refusal.status()).send(refusal.reason());
    }

    /** The Host value for a log line: bounded, printable ASCII only (it is the client's text). */
    static String forLog(Headers headers) {
        String host = headers.first(HeaderNames.HOST).orElse("");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < host.length() && i < 100; i++) {
            char c = host.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private static Set<String> ownNames(String bindHost) {
        Set<String> names = new HashSet<>();
        InetAddress bound;
        try {
            bound = InetAddress.getByName(bindHost);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the interface " + bindHost, e);
        }
        if (bound.isAnyLocalAddress()) {
            // Not 0.0.0.0 or [::] themselves: no client is meant to address the server by those.
            names.add("localhost");
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                        names.add(literal(address));
                    }
                }
            } catch (SocketException e) {
                throw new IllegalStateException("cannot list this machine's network interfaces: " + e.getMessage(), e);
            }
        } else {
            names.add(normalizeName(bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost));
            names.add(literal(bound));
            if (bound.isLoopbackAddress()) {
                names.add("localhost");
            }
        }
        return names;
    }

    /** An address as it appears in a Host header: IPv6 in brackets, canonical, without a zone. */
    private static String literal(InetAddress address) {
        if (address instanceof Inet6Address) {
            String text = address.getHostAddress();
            int zone = text.indexOf('%');
            return "[" + (zone < 0 ? text : text.substring(0, zone)) + "]";
        }
        return address.getHostAddress();
    }

    /**
     * Lower case without a trailing dot; an IPv6 literal in its canonical form (parsed as a literal:
     * no name is ever looked up for a request).
     */
    private static String normalizeName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("[") && n.endsWith("]")) {
            try {
                return literal(InetAddress.getByName(n));
            } catch (UnknownHostException e) {
                return n;
            }
        }
        if (n.endsWith(".") && !IPV4.matcher(n.substring(0, n.length() - 1)).matches()) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }
}
