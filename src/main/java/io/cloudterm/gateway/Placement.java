package io.cloudterm.gateway;

import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/** Where a user's new terminal goes: the hosts in the order to try them. */
public interface Placement {

    /**
     * {@code hosts} in the order to try for {@code user}'s new terminal (the first that answers
     * gets it). {@code terminals} tells how many terminals a host reported (for placements that
     * read it).
     */
    List<HostAddress> order(String user, List<HostAddress> hosts, ToIntFunction<HostAddress> terminals);

    /** By a rendezvous hash of the user: a user's terminals sit together; a host joining or leaving moves only its share. */
    static Placement byUser() {
        return (user, hosts, terminals) -> Rendezvous.order(user, hosts);
    }

    /** The host with the fewest terminals first, ties broken by the rendezvous hash of the user. */
    static Placement leastLoaded() {
        return (user, hosts, terminals) -> {
            Comparator<HostAddress> fewestFirst = Comparator.comparingInt(terminals);
            return Rendezvous.order(user, hosts).stream().sorted(fewestFirst).toList();
        };
    }
}
