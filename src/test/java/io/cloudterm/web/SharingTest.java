package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Several clients on one terminal: the smallest sets the size, and a slow one cannot hold the others back. */
class SharingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TtyClient attach(TestServer server, String handle, int columns, int rows) {
        return TtyClient.connect(URI.create(server.ws() + "?t=" + handle), Map.of()).handshake("", columns, rows);
    }

    @Test
    void theSmallestWritableClientSetsTheSizeAndItGrowsBackWhenItLeaves() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--keep-alive", "30", "--", "sh")) {
            TtyClient big = server.open(120, 40);
            String handle = ReattachTest.terminalInfo(big)[0];
            TtyClient small = attach(server, handle, 80, 50);
            ReattachTest.terminalInfo(small);
            big.input("stty size\r");
            big.awaitOutput("40 80\r\n", WAIT);
            small.close();
            Thread.sleep(300);
            big.input("stty size\r");
            big.awaitOutput("40 120\r\n", WAIT);
            big.close();
        }
    }

    @Test
    void aClientThatStopsReadingIsLetGoWithoutStallingTheOthers() throws Exception {
        try (TestServer server = TestServer.start("--no-auth", "--keep-alive", "30", "--", "sh")) {
            TtyClient reader = TtyClient.connect(server.ws(), Map.of()).handshake("", 80, 24);
            String handle = ReattachTest.terminalInfo(reader)[0];
            reader.keepOnlyRecentOutput(64 * 1024);
            // This one asks for nothing after its first message: the server's queue for it fills.
            TtyClient stuck = TtyClient.connect(URI.create(server.ws() + "?t=" + handle), Map.of(), false)
                    .handshake("", 80, 24);
            stuck.request(1);
            stuck.pause();
            reader.input("seq 1 1500000; echo all-done\r"); // about 11 MB through the terminal
            reader.awaitOutput("1500000\r\nall-done\r\n", WAIT);
            assertTrue(reader.outputBytesSeen() > 10_000_000, "the reading client got everything: " + reader.outputBytesSeen());
            stuck.request(Long.MAX_VALUE);
            TtyClient.Close close = stuck.awaitClose(WAIT);
            assertEquals(4007, close.code(), close.toString());
            assertTrue(close.reason().contains("reconnect to catch up"), close.reason());
            reader.close();
        }
    }
}
