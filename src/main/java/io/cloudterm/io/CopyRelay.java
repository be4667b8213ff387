package io.cloudterm.io;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
public final class CopyRelay implements Relay { // TEMP STUB
    public CopyRelay(BufferPool pool) { }
    @Override public CompletableFuture<Relayed> start(RawSocket c, ByteBuffer fc, RawSocket h, ByteBuffer fh, ByteBuffer lost) { throw new UnsupportedOperationException(); }
}
