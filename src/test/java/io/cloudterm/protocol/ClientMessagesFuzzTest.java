package io.cloudterm.protocol;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cloudterm.fuzz.PendingFixes;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whole client messages as a client may send them, in both states of a connection (before and
 * after JSON_DATA): each one decodes, or is refused with a close code of the protocol and a
 * reason. Anything else (another exception, a stack overflow) would reach the WebSocket thread.
 */
@ExtendWith(PendingFixes.class)
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
        } catch (StackOverflowError e) {
            throw PendingFixes.violated(PendingFixes.JSON_NESTING, "nested JSON overflowed the stack", null);
        } catch (RuntimeException e) {
            // The JSON parser's own limits (depth 1000, 1100 digits) and BigDecimal's, escaping.
            String what = String.valueOf(e.getMessage());
            if (what.contains("nested")) {
                throw PendingFixes.violated(PendingFixes.JSON_NESTING, "deep JSON escaped as " + e, e);
            }
            if (e instanceof ArithmeticException || e instanceof NumberFormatException || what.contains("BigDecimal")) {
                throw PendingFixes.violated(PendingFixes.JSON_NUMBERS, "a number escaped as " + e, e);
            }
            throw new AssertionError("decoding threw instead of refusing the message", e);
        }
    }
}
