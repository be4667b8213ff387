package io.cloudterm.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PlacementTest {

    private static final int USERS = 10_000;
    private static final HostAddress A = new HostAddress("10.0.0.1", 7681);
    private static final HostAddress B = new HostAddress("10.0.0.2", 7681);
    private static final HostAddress C = new HostAddress("10.0.0.3", 7681);
    private static final HostAddress D = new HostAddress("10.0.0.4", 7681);

    private final Placement byUser = Placement.byUser();

    @Test
    void usersSpreadEvenlyOverThreeHosts() {
        Map<HostAddress, Integer> counts = new HashMap<>();
        for (String user : users()) {
            counts.merge(first(user, List.of(A, B, C)), 1, Integer::sum);
        }
        double mean = USERS / 3.0;
        int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertEquals(3, counts.size(), counts.toString());
        assertTrue(max / mean <= 1.15, "max/mean " + max / mean + " " + counts);
    }

    @Test
    void aHostLeavingMovesOnlyItsOwnUsers() {
        int moved = 0;
        for (String user : users()) {
            HostAddress before = first(user, List.of(A, B, C));
            HostAddress after = first(user, List.of(A, C));
            if (before.equals(B)) {
                moved++;
                assertEquals(byUser.order(user, List.of(A, B, C), h -> 0).get(1), after,
                        "a user of the host gone goes to its second choice");
            } else {
                assertEquals(before, after, user + " stays where it was");
            }
        }
        assertTrue(moved > USERS * 0.30 && moved < USERS * 0.37, moved + " of " + USERS + " moved");
    }

    @Test
    void aHostJoiningTakesAQuarterOfTheUsersAndOnlyThose() {
        int moved = 0;
        for (String user : users()) {
            HostAddress before = first(user, List.of(A, B, C));
            HostAddress after = first(user, List.of(A, B, C, D));
            if (!before.equals(after)) {
                moved++;
                assertEquals(D, after, user + " moved to a host that was there already");
            }
        }
        assertTrue(moved > USERS * 0.22 && moved < USERS * 0.28, moved + " of " + USERS + " moved");
    }

    @Test
    void theOrderListsEveryHostOnceWhateverTheOrderGiven() {
        List<HostAddress> order = byUser.order("alice", List.of(A, B, C, D), h -> 0);
        assertEquals(4, order.stream().distinct().count());
        assertEquals(order, byUser.order("alice", List.of(D, C, B, A), h -> 0));
        assertEquals(List.of(), byUser.order("alice", List.of(), h -> 0));
    }

    /**
     * Answers worked out outside Java (Python's hashlib over the same bytes): the same on every JVM
     * and every run (no seeded String hashes).
     */
    @Test
    void theChoiceIsTheSameOnEveryRun() {
        assertEquals(List.of(C, B, A, D), byUser.order("alice", List.of(A, B, C, D), h -> 0));
        assertEquals(List.of(D, B, A, C), byUser.order("bob", List.of(A, B, C, D), h -> 0));
        assertEquals(List.of(D, C, B, A), byUser.order("user-4711", List.of(A, B, C, D), h -> 0));
    }

    @Test
    void leastLoadedPrefersTheHostWithFewestTerminals() {
        Map<HostAddress, Integer> terminals = Map.of(A, 5, B, 2, C, 9, D, 2);
        List<HostAddress> order = Placement.leastLoaded().order("alice", List.of(A, B, C, D), terminals::get);
        assertEquals(List.of(2, 2, 5, 9), order.stream().map(terminals::get).toList());
    }

    @Test
    void leastLoadedBreaksTiesByTheUsersRendezvousOrder() {
        List<HostAddress> hosts = List.of(A, B, C, D);
        for (String user : List.of("alice", "bob", "user-4711")) {
            assertEquals(byUser.order(user, hosts, h -> 0), Placement.leastLoaded().order(user, hosts, h -> 3));
        }
        Map<HostAddress, Integer> counts = new HashMap<>();
        for (String user : users()) {
            counts.merge(Placement.leastLoaded().order(user, hosts, h -> 0).getFirst(), 1, Integer::sum);
        }
        assertEquals(4, counts.size(), "equal loads spread users over every host: " + counts);
    }

    private HostAddress first(String user, List<HostAddress> hosts) {
        return byUser.order(user, hosts, h -> 0).getFirst();
    }

    private static List<String> users() {
        return new ArrayList<>(IntStream.range(0, USERS).mapToObj(i -> "user-" + i).toList());
    }
}
