package io.cloudterm.platform;

import io.cloudterm.io.FileSending;
import io.cloudterm.io.NativeHeap;
import io.cloudterm.io.RawSockets;
import io.cloudterm.io.Relay;
import io.cloudterm.pty.PtySystem;
import java.util.Optional;

/**
 * Where the native layer cannot run: ptys from script(1), no sockets of our own, no zero-copy
 * sending, no C heap to trim.
 */
final class PureJavaPlatform implements Platform {

    private final PtySystem ptys = PtySystem.pureJava();

    @Override
    public PtySystem ptys() {
        return ptys;
    }

    @Override
    public Optional<RawSockets> rawSockets() {
        return Optional.empty();
    }

    @Override
    public Optional<Relay> splicing() {
        return Optional.empty();
    }

    @Override
    public Optional<FileSending> fileSending() {
        return Optional.empty();
    }

    @Override
    public Optional<NativeHeap> nativeHeap() {
        return Optional.empty();
    }

    @Override
    public String description() {
        return ptys.description();
    }

    @Override
    public void close() {
        // no helper threads: each pure-Java pty owns its script(1) process
    }
}
