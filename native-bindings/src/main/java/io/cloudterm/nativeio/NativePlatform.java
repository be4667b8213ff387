package io.cloudterm.nativeio;

import io.cloudterm.io.BufferPool;
import io.cloudterm.io.CopyRelay;
import io.cloudterm.io.FileSending;
import io.cloudterm.io.NativeHeap;
import io.cloudterm.io.RawSockets;
import io.cloudterm.io.Relay;
import io.cloudterm.platform.Platform;
import io.cloudterm.pty.PtySystem;
import java.io.IOException;
import java.util.Optional;

/**
 * The native platform: one {@link Poller} thread waits for every pty's fds and pidfds and for every
 * socket adopted from Helidon or borrowed to send a file on; pooled pipes carry the gateway's
 * spliced bytes; glibc's malloc is the heap to trim.
 */
final class NativePlatform implements Platform {

    /** Empty pipes kept for the splicing relay's next bursts: two fds each. */
    private static final int IDLE_PIPES = 32;

    private final Poller poller;
    private final NativePtySystem ptys;
    private final NativeRawSockets sockets;
    private final NativeFileSending fileSending;
    private final PipePool pipes;
    private final SpliceRelay splicing;

    private NativePlatform(Poller poller) {
        this.poller = poller;
        this.ptys = new NativePtySystem(poller);
        this.sockets = new NativeRawSockets(poller);
        this.fileSending = new NativeFileSending(poller);
        this.pipes = new PipePool(IDLE_PIPES);
        // The copying relay only stands in for sockets that are not this layer's, which the gateway never passes.
        this.splicing = new SpliceRelay(pipes, new CopyRelay(new BufferPool(64 * 1024, 16)));
    }

    /** Starts the poller thread. */
    static NativePlatform start() throws IOException {
        return new NativePlatform(Poller.start("cloudterm-pty-poller"));
    }

    @Override
    public PtySystem ptys() {
        return ptys;
    }

    @Override
    public Optional<RawSockets> rawSockets() {
        return Optional.of(sockets);
    }

    /** splice(2) through pooled pipes between adopted sockets, parked on the same poller. */
    @Override
    public Optional<Relay> splicing() {
        return Optional.of(splicing);
    }

    /** sendfile and write on Helidon's sockets, parked on the same poller. */
    @Override
    public Optional<FileSending> fileSending() {
        return Optional.of(fileSending);
    }

    /** glibc's malloc, trimmed with {@code malloc_trim}. */
    @Override
    public Optional<NativeHeap> nativeHeap() {
        return Optional.of(() -> Libc.malloc_trim(0) == 1);
    }

    @Override
    public String description() {
        return ptys.description();
    }

    /** The poller first: only once its thread has ended may the children's pidfds be closed under it. */
    @Override
    public void close() {
        poller.close();
        ptys.abandonChildren();
        pipes.close();
    }
}
