package io.cloudterm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Hostile JSON in JSON_DATA and RESIZE_TERMINAL: each is refused with 4001 and a short reason, never an exception. */
class ClientMessagesTest {

    private static ProtocolException refused(String message, boolean handshakeDone) {
        return refused(message.getBytes(StandardCharsets.UTF_8), handshakeDone);
    }

    private static ProtocolException refused(byte[] message, boolean handshakeDone) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ClientMessages.decode(message, handshakeDone));
        assertTrue(e.getMessage().length() < 80 && !e.getMessage().contains("Exception"), e.getMessage());
        return e;
    }

    @Test
    void aNumberWithThousandsOfDigitsIsBadJson() {
        String huge = "9".repeat(5000);
        ProtocolException resize = refused("1{\"columns\":" + huge + ",\"rows\":24}", true);
        assertEquals(CloseCodes.BAD_JSON, resize.closeCode());
        assertEquals("a number longer than 32 characters", resize.getMessage());
        ProtocolException handshake = refused("{\"AuthToken\":\"\",\"columns\":80,\"rows\":1e" + huge + "}", false);
        assertEquals(CloseCodes.BAD_JSON, handshake.closeCode());
    }

    @Test
    void aHugeExponentInAShortNumberIsClampedNotAnError() throws ProtocolException {
        ClientMessage message = ClientMessages.decode("1{\"columns\":1e999999999,\"rows\":-1e999999999}"
                .getBytes(StandardCharsets.UTF_8), true);
        assertEquals(new ClientMessage.Resize(new TerminalSize(TerminalSize.MAX, TerminalSize.MIN)), message);
    }

    @Test
    void arraysNestedDeepAreBadJsonWithoutOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        ProtocolException resize = refused("1{\"columns\":80,\"rows\":24,\"x\":" + deep + "}", true);
        assertEquals(CloseCodes.BAD_JSON, resize.closeCode());
        assertEquals("JSON nested deeper than 8 levels", resize.getMessage());
        ProtocolException handshake = refused("{\"x\":" + "{\"y\":".repeat(50_000) + "}".repeat(50_000) + "}", false);
        assertEquals(CloseCodes.BAD_JSON, handshake.closeCode());
    }

    @Test
    void bracketsAndDigitsInsideStringsAreText() throws ProtocolException {
        String token = "[[[[[[[[[[[[\\\"" + "7".repeat(100);
        ClientMessage message = ClientMessages.decode(("{\"AuthToken\":\"" + token + "\",\"columns\":80,\"rows\":24}")
                .getBytes(StandardCharsets.UTF_8), false);
        assertEquals(new ClientMessage.Handshake("[[[[[[[[[[[[\"" + "7".repeat(100), new TerminalSize(80, 24), ""), message);
    }

    @Test
    void invalidUtf8IsBadJson() {
        byte[] message = {'1', '{', '"', 'c', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        ProtocolException e = refused(message, true);
        assertEquals(CloseCodes.BAD_JSON, e.closeCode());
        assertEquals("JSON is not valid UTF-8", e.getMessage());
    }

    @Test
    void malformedJsonIsBadJson() {
        for (String json : new String[] {"{", "{\"columns\":}", "{\"columns\":80,\"rows\":24}}", "{\"columns\":--1}", "{\"a\":\"\\u12\"}", "{\"columns\":1e-99999999999,\"rows\":1}", "{\"a\":1} x"}) {
            ProtocolException e = refused("1" + json, true);
            assertEquals(CloseCodes.BAD_JSON, e.closeCode(), json);
        }
    }
}
