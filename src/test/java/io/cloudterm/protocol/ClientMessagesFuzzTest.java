package io.cloudterm.protocol;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Set;

/**
 * Whole client messages as a client may send them, in both states of a connection (before and
 * after JSON_DATA): each one decodes, or is refused with a close code of the protocol and a
 * reason. Anything else (another exception, a stack overflow) would reach the WebSocket thread.
 */
class ClientMessagesFuzzTest {

    private static final Set<Integer> REFUSALS = Set.of(CloseCodes.PROTOCOL_VIOLATION, CloseCodes.BAD_JSON,
            CloseCodes.UNKNOWN_COMMAND, CloseCodes.TOO_BIG);

    @FuzzTest
    @DictionaryEntries({"{", "}", "[", "]", "\"columns\":", "\"rows\":", "\"AuthToken\":", "\"share\":", "1e999", "-",
            "0.5", "null", "true", "\"", "\\u0000", "\\"})
    void everyMessageDecodesOrIsRefusedWithACloseCode(byte[] message) {
        decodes(message, false);
        decodes(message, true);
    }

    private static void decodes(byte[] message, boolean handshakeDone) {
        try {
            ClientMessage decoded = ClientMessages.decode(message, handshakeDone);
            assertNotNull(decoded);
        } catch (ProtocolException refused) {
            assertTrue(REFUSALS.contains(refused.closeCode()), "close code " + refused.closeCode());
            assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank(), "a reason");
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("decoding threw instead of refusing the message", e);
        }
    }
}
