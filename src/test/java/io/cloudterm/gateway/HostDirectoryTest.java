package io.cloudterm.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostDirectoryTest {

    /** Long enough that only the test steps the lookups. */
    private static final Duration NEVER = Duration.ofHours(1);

    private final AtomicReference<List<String>> answer = new AtomicReference<>(List.of());
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    /** A DNS server of our own: whatever the test says the name resolves to now. */
    private final HostDirectory.Lookup fakeDns = name -> {
        IOException problem = failure.get();
        if (problem != null) {
            throw problem;
        }
        List<InetAddress> addresses = new java.util.ArrayList<>();
        for (String literal : answer.get()) {
            addresses.add(InetAddress.getByName(literal));
        }
        return addresses;
    };

    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger(DnsHosts.class.getName()).addHandler(recorder);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger(DnsHosts.class.getName()).removeHandler(recorder);
    }

    @Test
    void aStaticListIsSortedWithoutDuplicates() {
        try (HostDirectory hosts = HostDirectory.of("static:h2:7681, h1:7681,h2:7681,[fd00::1]:7681,h1:7682", NEVER)) {
            assertEquals(List.of(new HostAddress("fd00::1", 7681), new HostAddress("h1", 7681),
                    new HostAddress("h1", 7682), new HostAddress("h2", 7681)), hosts.current());
            assertEquals("static:h2:7681, h1:7681,h2:7681,[fd00::1]:7681,h1:7682", hosts.description());
            assertEquals("[fd00::1]:7681", hosts.current().getFirst().toString());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "foo                     | must start with static: (a list of hosts) or dns: (a name to look up)",
        "''                      | --hosts is empty",
        "static:                 | static: lists no host",
        "static:h1               | host h1 has no port",
        "static:h1:7681,,h2:7681 | an empty entry between commas",
        "static:h1:0             | the port 0 is not between 1 and 65535",
        "static:h1:65536         | the port 65536 is not between 1 and 65535",
        "static:h1:abc           | the port abc is not a number",
        "static:h1:              | the port is missing",
        "static::7681            | needs a host name or address before the port",
        "static:fd00::1:7681     | an IPv6 address goes in brackets",
        "static:[fd00::1]7681    | must look like [IPv6]:PORT",
        "static:h 1:7681         | needs a host name or address before the port",
        "dns:name                | has no port (dns:NAME:PORT)",
        "dns::7681               | needs a DNS name before the port",
        "dns:name:0              | the port 0 is not between 1 and 65535",
        "dns:name:http           | the port http is not a number",
    })
    void aBadValueSaysWhatIsWrongAndShowsAnExample(String spec, String what) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostDirectory.of(spec, NEVER, fakeDns));
        assertTrue(e.getMessage().contains(what), e.getMessage());
        assertTrue(e.getMessage().contains("e.g. --hosts static:10.0.0.5:7681,10.0.0.6:7681 or --hosts dns:"), e.getMessage());
    }

    @Test
    void aDnsNameGivesEveryAddressItHasOnThePortGiven() {
        answer.set(List.of("10.0.0.2", "fd00::7", "10.0.0.1", "10.0.0.2"));
        try (HostDirectory hosts = HostDirectory.of("dns:cloudterm-hosts.default.svc:7681", NEVER, fakeDns)) {
            assertEquals(List.of(new HostAddress("10.0.0.1", 7681), new HostAddress("10.0.0.2", 7681),
                    new HostAddress("fd00:0:0:0:0:0:0:7", 7681)), hosts.current());
            assertEquals("dns:cloudterm-hosts.default.svc:7681", hosts.description());
        }
    }

    @Test
    void hostsJoinAndLeaveBetweenRefreshes() {
        answer.set(List.of("10.0.0.1", "10.0.0.2"));
        try (HostDirectory hosts = HostDirectory.of("dns:cloudterm-hosts:7681", Duration.ofMillis(20), fakeDns)) {
            assertEquals(List.of(new HostAddress("10.0.0.1", 7681), new HostAddress("10.0.0.2", 7681)), hosts.current());

            answer.set(List.of("10.0.0.3", "10.0.0.1", "10.0.0.2"));
            await().atMost(Duration.ofSeconds(30)).until(() -> hosts.current().size() == 3);
            assertEquals(List.of(new HostAddress("10.0.0.1", 7681), new HostAddress("10.0.0.2", 7681),
                    new HostAddress("10.0.0.3", 7681)), hosts.current());

            answer.set(List.of("10.0.0.3", "10.0.0.2"));
            await().atMost(Duration.ofSeconds(30)).until(() -> hosts.current().size() == 2);
            assertEquals(List.of(new HostAddress("10.0.0.2", 7681), new HostAddress("10.0.0.3", 7681)), hosts.current());
        }
    }

    @Test
    void aFailedLookupKeepsTheLastHostsAndIsLoggedOncePerChange() {
        answer.set(List.of("10.0.0.1", "10.0.0.2"));
        try (HostDirectory hosts = HostDirectory.of("dns:cloudterm-hosts:7681", NEVER, fakeDns)) {
            DnsHosts dns = (DnsHosts) hosts;
            List<HostAddress> before = hosts.current();
            logged.clear();

            failure.set(new UnknownHostException("cloudterm-hosts: Temporary failure in name resolution"));
            dns.lookUp();
            dns.lookUp();
            dns.lookUp();
            assertEquals(before, hosts.current(), "a failed lookup empties nothing");
            assertEquals(List.of("looking up cloudterm-hosts for --hosts failed (UnknownHostException: cloudterm-hosts: "
                            + "Temporary failure in name resolution); keeping the 2 hosts found before: [10.0.0.1:7681, 10.0.0.2:7681]"),
                    messages(Level.WARNING), "three failures, one warning");

            failure.set(null);
            dns.lookUp();
            dns.lookUp();
            assertEquals(before, hosts.current());
            assertEquals(List.of("looking up cloudterm-hosts for --hosts works again"), messages(Level.INFO));
        }
    }

    @Test
    void aNameThatDoesNotResolveYetStartsWithNoHosts() {
        failure.set(new UnknownHostException("cloudterm-hosts"));
        try (HostDirectory hosts = HostDirectory.of("dns:cloudterm-hosts:7681", NEVER, fakeDns)) {
            assertEquals(List.of(), hosts.current());
            assertEquals(1, messages(Level.WARNING).size());
            failure.set(null);
            answer.set(List.of("10.0.0.1"));
            ((DnsHosts) hosts).lookUp();
            assertEquals(List.of(new HostAddress("10.0.0.1", 7681)), hosts.current());
        }
    }

    /** The JDK's own resolver, through the hosts file every machine has: no DNS server involved. */
    @Test
    void theSystemResolverFindsLocalhost() {
        try (HostDirectory hosts = HostDirectory.of("dns:localhost:7681", NEVER)) {
            assertTrue(hosts.current().contains(new HostAddress("127.0.0.1", 7681)), hosts.current().toString());
        }
    }

    private List<String> messages(Level level) {
        return logged.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }
}
