package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.client.TtyClient;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PAUSE and RESUME hold output back without losing, repeating or reordering a byte. */
class FlowControlTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void outputIsByteExactUnderAFloodOfPauseAndResume(String mode) throws Exception {
        int lines = 300_000; // about 2.3 MB
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--", "seq", "1", String.valueOf(lines));
             TtyClient client = server.open(80, 24)) {
            Random random = new Random(42);
            Thread flood = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 20_000 && !client.isClosed(); i++) {
                    try {
                        if (random.nextBoolean()) {
                            client.pause();
                        } else {
                            client.resume();
                        }
                        if (random.nextInt(10) == 0) {
                            client.resume().resume().pause().pause().resume();
                        }
                    } catch (RuntimeException e) {
                        return; // closed under us
                    }
                }
            });
            flood.join();
            if (!client.isClosed()) {
                client.resume();
            }
            assertEquals(new TtyClient.Close(1000, "exit 0"), client.awaitClose(WAIT));
            String output = client.outputText();
            assertEquals(ProtocolTest.expectedSeq(lines).length(), output.length(), "byte count");
            assertEquals(ProtocolTest.expectedSeq(lines), output);
        }
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(strings = {"on", "off"})
    void aPausedClientStopsThePtyBeingReadAndResumeDeliversEverything(String mode) throws Exception {
        int lines = 400_000;
        try (TestServer server = TestServer.start("--native", mode, "--no-auth", "--", "seq", "1", String.valueOf(lines));
             TtyClient client = TtyClient.connect(server.ws(), java.util.Map.of())) {
            client.handshake("", 80, 24).pause();
            Thread.sleep(1500);
            int whilePaused = client.outputBytes().length;
            Thread.sleep(1000);
            assertEquals(whilePaused, client.outputBytes().length, "output kept coming while paused");
            assertTrue(whilePaused < ProtocolTest.expectedSeq(lines).length() / 4,
                    "paused right after JSON_DATA, yet " + whilePaused + " bytes arrived");
            assertTrue(ProtocolTest.onlyTerminal(server).exit().getNow(null) == null,
                    "the child must be blocked on the full pty, not finished");
            client.resume();
            assertEquals(new TtyClient.Close(1000, "exit 0"), client.awaitClose(WAIT));
            assertEquals(ProtocolTest.expectedSeq(lines), client.outputText());
        }
    }
}
