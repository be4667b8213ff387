package io.cloudterm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.connection.Connection;
import io.cloudterm.protocol.ServerMessages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A terminal client over a {@link Connection} that writes down each call. */
class WsClientTest {

    private static final class CallRecorder extends LoopbackConnection {
        final List<String> calls = new ArrayList<>();
        List<ByteBuffer> gathered;
        boolean failSends;

        @Override
        public void send(byte[] message) throws IOException {
            if (failSends) {
                throw new IOException("gone");
            }
            calls.add("send " + message.length);
        }

        @Override
        public void send(byte[] prefix, List<ByteBuffer> parts) throws IOException {
            calls.add("send " + (char) prefix[0] + " + " + parts.size() + " parts");
            gathered = parts;
        }

        @Override
        public void ping() {
            calls.add("ping");
        }

        @Override
        public void close(int code, String reason) {
            calls.add("close " + code);
        }

        @Override
        public void abandon(int code, String reason) {
            calls.add("abandon " + code);
        }

        @Override
        public boolean open() {
            return true;
        }
    }

    private final CallRecorder connection = new CallRecorder();
    private final WsClient client = new WsClient(connection);

    @Test
    void outputGoesToTheConnectionAsThePooledBuffersThemselves() throws Exception {
        List<ByteBuffer> pooled = List.of(ByteBuffer.allocateDirect(8), ByteBuffer.allocateDirect(8));
        client.sendOutput(pooled);
        assertEquals(List.of("send " + (char) ServerMessages.OUTPUT + " + 2 parts"), connection.calls);
        assertSame(pooled, connection.gathered, "not joined, not copied");
    }

    @Test
    void aFailedSendMarksTheClientClosedAndNothingMoreIsSent() {
        connection.failSends = true;
        assertThrows(IOException.class, () -> client.send(new byte[] {'1'}));
        assertTrue(client.closed());
        client.ping();
        client.close(1000, "bye");
        assertEquals(List.of(), connection.calls);
    }

    @Test
    void closeIsSentOnceAndAbandonStillHangsUp() {
        client.close(4004, "logged out");
        client.close(4004, "logged out");
        client.abandon(4008, "no answer to pings");
        assertEquals(List.of("close 4004", "abandon 4008"), connection.calls);
        assertFalse(connection.calls.contains("ping"));
    }
}
