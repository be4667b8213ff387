package io.cloudterm.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What the relay does when one of its own threads fails, on sockets faked to fail that way. */
class CopyRelayTest {

    /** A socket with nothing to read; {@code failing} throws from read as a bug would. */
    private static final class QuietSocket implements RawSocket {
        private final boolean failing;
        final AtomicBoolean closed = new AtomicBoolean();

        QuietSocket(boolean failing) {
            this.failing = failing;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (failing) {
                throw new IllegalStateException("a bug in the read path");
            }
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += srcs[i].remaining();
                srcs[i].position(srcs[i].limit());
            }
            return n;
        }

        @Override
        public void awaitWritable() {
        }

        @Override
        public void onReadable(Runnable action) {
            // never readable again
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
            closed.set(true);
        }

        @Override
        public boolean closed() {
            return closed.get();
        }
    }

    @Test
    void aDirectionThatBreaksClosesBothSidesAndEndsTheRelay() throws Exception {
        QuietSocket client = new QuietSocket(true);
        QuietSocket host = new QuietSocket(false);
        Relay.Relayed relayed = new CopyRelay(new BufferPool(1024, 2)).start(client, ByteBuffer.allocate(0), host,
                ByteBuffer.allocate(0), ByteBuffer.wrap(RelayKit.HOST_LOST)).get(10, TimeUnit.SECONDS);

        assertTrue(client.closed() && host.closed(), "both sockets closed");
        assertFalse(relayed.hostLost());
        assertTrue(relayed.why().contains("the relay broke") && relayed.why().contains("a bug in the read path"), relayed.why());
    }
}
