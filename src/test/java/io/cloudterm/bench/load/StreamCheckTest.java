package io.cloudterm.bench.load;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The throughput scenario's byte-by-byte check catches every wrong byte, wherever in the stream it is. */
class StreamCheckTest {

    private static final int XS = 200_000;

    @Test
    void anExactStreamPasses() {
        StreamCheck check = fed(stream(XS, -1), 4096);
        assertDoesNotThrow(() -> check.awaitEnd(Duration.ofSeconds(1)));
        assertEquals(7 + XS + 7, check.payload());
    }

    @Test
    void aForeignByteDeepInTheStreamFails() {
        for (int at : new int[] {7, 7 + 70_001, 7 + XS - 1}) {
            StreamCheck check = fed(stream(XS, at), 70_000);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> check.awaitEnd(Duration.ofSeconds(1)));
            assertTrue(e.getMessage().contains("expected"), e.getMessage());
        }
    }

    @Test
    void oneXTooManyOrTooFewFails() {
        assertThrows(IllegalStateException.class, () -> fed(stream(XS + 1, -1), 65_536).awaitEnd(Duration.ofSeconds(1)));
        assertThrows(IllegalStateException.class, () -> fed(stream(XS - 1, -1), 65_536).awaitEnd(Duration.ofSeconds(1)));
    }

    /** READY, {@code xs} times x (with a y at {@code foreign} if not -1), END: what the terminal prints. */
    private static byte[] stream(int xs, int foreign) {
        byte[] ready = "READY\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] end = "\r\nEND\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[ready.length + xs + end.length];
        System.arraycopy(ready, 0, all, 0, ready.length);
        Arrays.fill(all, ready.length, ready.length + xs, (byte) 'x');
        System.arraycopy(end, 0, all, ready.length + xs, end.length);
        if (foreign >= 0) {
            all[foreign] = 'y';
        }
        return all;
    }

    /** Expects {@link #XS} x, and is given {@code bytes} in messages of {@code piece} bytes. */
    private static StreamCheck fed(byte[] bytes, int piece) {
        StreamCheck check = new StreamCheck(XS);
        for (int from = 0; from < bytes.length; from += piece) {
            ByteBuffer message = ByteBuffer.allocateDirect(Math.min(piece, bytes.length - from));
            message.put(bytes, from, message.capacity()).flip();
            check.output(message, true);
        }
        return check;
    }
}
