package io.cloudterm.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.List;

/**
 * Rendezvous (highest random weight) hashing: each (user, host) pair gets a weight, and a user's
 * hosts are tried heaviest first. A host that leaves takes only the users it was first for (each
 * moves to its own second choice, spread over the others); a host that joins takes only the users
 * for whom it weighs most, about 1/n of them. No ring, no virtual nodes, no state.
 */
final class Rendezvous {

    private Rendezvous() {
    }

    /** {@code hosts}, heaviest for {@code user} first; ties (2^-64 likely) by address so the order is total. */
    static List<HostAddress> order(String user, List<HostAddress> hosts) {
        record Weighed(HostAddress host, long weight) {
        }
        return hosts.stream()
                .map(host -> new Weighed(host, weight(user, host)))
                .sorted(Comparator.comparing(Weighed::weight, Long::compareUnsigned).reversed()
                        .thenComparing(Weighed::host, HostOrder.BY_ADDRESS))
                .map(Weighed::host)
                .toList();
    }

    /**
     * The first 64 bits of SHA-256 over the user and the host. SHA-256 rather than a hand-written
     * mix: it is in every JDK, its bits are uniform whatever the names look like (user-1, user-2...
     * and addresses that differ in one digit are exactly what weak mixes cluster), it is the same on
     * every JVM and version (unlike String.hashCode's seeds elsewhere), and it needs no constants of
     * ours to trust. It costs about a microsecond per host, once per new terminal. The user's length
     * comes first so that no (user, host) pair encodes like another.
     */
    static long weight(String user, HostAddress host) {
        byte[] userBytes = user.getBytes(StandardCharsets.UTF_8);
        byte[] hostBytes = host.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer input = ByteBuffer.allocate(4 + userBytes.length + hostBytes.length)
                .putInt(userBytes.length).put(userBytes).put(hostBytes);
        return ByteBuffer.wrap(sha256().digest(input.array())).getLong();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
