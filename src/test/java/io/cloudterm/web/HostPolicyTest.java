package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which Host names each kind of bind answers to, and how the others are answered. */
class HostPolicyTest {

    private static final int PORT = 7681;

    private static int status(HostPolicy policy, String... hosts) {
        WritableHeaders<?> headers = WritableHeaders.create();
        for (String host : hosts) {
            headers.add(HeaderNames.HOST, host);
        }
        Gate.Refusal refusal = policy.refusal(headers, true);
        return refusal == null ? 200 : refusal.status().code();
    }

    private static HostPolicy bound(String host, String... allowed) {
        return new HostPolicy(host, Set.of(allowed), () -> PORT, false);
    }

    @Test
    void anIpv4LoopbackBindAnswersToItsAddressAndLocalhost() {
        HostPolicy policy = bound("127.0.0.1");
        assertEquals(200, status(policy, "127.0.0.1:7681"));
        assertEquals(200, status(policy, "localhost:7681"));
        assertEquals(200, status(policy, "LocalHost.:7681"));
        assertEquals(200, status(policy, "localhost"));
        assertEquals(421, status(policy, "localhost:7682"));
        assertEquals(421, status(policy, "evil.example:7681"));
        assertEquals(421, status(policy, "127.0.0.2:7681"));
        assertEquals(421, status(policy, "localhost.evil.example:7681"));
    }

    @Test
    void anIpv6LoopbackBindAnswersToItsAddressInAnySpellingAndLocalhost() {
        HostPolicy policy = bound("::1");
        assertEquals(200, status(policy, "[::1]:7681"));
        assertEquals(200, status(policy, "[0:0:0:0:0:0:0:1]:7681"));
        assertEquals(200, status(policy, "localhost:7681"));
        assertEquals(421, status(policy, "[::2]:7681"));
    }

    @Test
    void aWildcardBindAnswersToEveryInterfaceAddress() throws Exception {
        HostPolicy policy = bound("0.0.0.0");
        assertEquals(200, status(policy, "localhost:7681"));
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof java.net.Inet4Address) {
                    assertEquals(200, status(policy, address.getHostAddress() + ":7681"), address.toString());
                }
            }
        }
        assertEquals(421, status(policy, "0.0.0.0:7681"), "nobody is meant to reach a server by the wildcard");
        assertEquals(421, status(policy, "evil.example:7681"));
    }

    @Test
    void allowedNamesMatchAnyPortOrTheirOwn() {
        HostPolicy policy = bound("127.0.0.1", "Term.Example", "other.example:443", "[2001:db8::1]");
        assertEquals(200, status(policy, "term.example"));
        assertEquals(200, status(policy, "term.example:9999"));
        assertEquals(200, status(policy, "other.example:443"));
        assertEquals(421, status(policy, "other.example:444"));
        assertEquals(421, status(policy, "other.example"), "no port is port 80 here");
        assertEquals(200, status(policy, "[2001:db8:0::1]:1"));
        assertEquals(200, status(bound("127.0.0.1", "*"), "anything.example"));
        assertThrows(IllegalArgumentException.class, () -> bound("127.0.0.1", "bad/name"));
    }

    @Test
    void missingDoubledAndMalformedHostsAreBadRequests() {
        HostPolicy policy = bound("127.0.0.1");
        assertEquals(400, status(policy));
        assertNull(policy.refusal(WritableHeaders.create(), false), "HTTP/1.0 needs no Host");
        assertEquals(400, status(policy, "127.0.0.1:7681", "127.0.0.1:7681"));
        assertEquals(400, status(policy, "127.0.0.1:7681/x"));
        assertEquals(400, status(policy, "user@127.0.0.1:7681"));
        assertEquals(400, status(policy, "[::1"));
        assertEquals(400, status(bound("127.0.0.1", "*")), "even with any Host allowed, one is required");
    }
}
