package io.cloudterm.nativeio;

import static io.cloudterm.nativeio.LibcHeaders.EAGAIN;
import static io.cloudterm.nativeio.LibcHeaders.EINTR;
import static io.cloudterm.nativeio.LibcHeaders.MSG_PEEK;
import static io.cloudterm.nativeio.LibcHeaders.SPLICE_F_MOVE;
import static io.cloudterm.nativeio.LibcHeaders.SPLICE_F_NONBLOCK;

import io.cloudterm.io.FrameBoundaries;
import io.cloudterm.io.RawSocket;
import io.cloudterm.io.Relay;
import io.cloudterm.io.RelayDirection;
import io.cloudterm.io.RelayedConnection;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The relay that splices: each direction moves its bytes socket to pipe to socket with
 * {@code splice(2)}, inside the kernel, never into the JVM. A direction takes an empty pipe from
 * the {@link PipePool} for a burst, fills it from its source until the source is empty or the
 * pipe holds {@link #BURST} bytes, drains it into the other socket (parking on the poller while
 * that one is full, so a stalled reader holds the source back), and gives it back. When the source
 * is empty it arms the poller and its thread ends, as the copying relay's does: an idle connection
 * holds a pipe and a thread only while a burst is under way.
 *
 * <p>Toward the client the relay must know the frame boundaries ({@link FrameBoundaries}) without
 * seeing the payloads. At each boundary it peeks at the next header ({@code recv} with
 * {@code MSG_PEEK}, at most 14 bytes copied out) and then splices the header along with the
 * payload it announces. Reading the header out and writing it would cost the same two calls and
 * the same few copied bytes, but the header would then leave in a write of its own, a tiny
 * segment on the wire ahead of its payload, and would have to wait for the pipe to be drained
 * first to keep the order; peeked, it goes through the pipe and out in the same splice as its
 * payload.
 *
 * <p>{@code SPLICE_F_MORE} is not used: it corks the socket, and a burst that then finds its
 * source empty has nothing left to send that would uncork it.
 */
final class SpliceRelay implements Relay {

    /** Bytes a burst puts in its pipe before it drains it: the capacity of a pipe as made (16 pages). */
    static final long BURST = 64 * 1024;
    /** The longest frame header: 2 bytes, 8 of extended length, 4 of masking key. */
    private static final int HEADER_MAX = 14;
    /** What a non-blocking call returns here for EAGAIN. */
    private static final long AGAIN = -1;
    private static final int FLAGS = SPLICE_F_MOVE | SPLICE_F_NONBLOCK;
    /** The most a direction moves on the poller's thread before a thread of its own goes on: other sockets wait meanwhile. */
    static final long POLLER_BUDGET = 4 * BURST;

    /** A step on the poller's thread that would have to wait, or has done its share: a thread goes on from here. */
    private static final class HandOff extends RuntimeException {
        HandOff() {
            super(null, null, false, false);
        }
    }

    private static final HandOff HAND_OFF = new HandOff();

    private final PipePool pipes;
    private final Relay copying;

    /** {@code copying} relays sockets that are not this layer's own (there is no fd to splice). */
    SpliceRelay(PipePool pipes, Relay copying) {
        this.pipes = pipes;
        this.copying = copying;
    }

    @Override
    public CompletableFuture<Relayed> start(RawSocket client, ByteBuffer fromClient, RawSocket host, ByteBuffer fromHost,
                                            ByteBuffer hostLost) {
        if (!(client instanceof NativeRawSocket clientSocket) || !(host instanceof NativeRawSocket hostSocket)) {
            return copying.start(client, fromClient, host, fromHost, hostLost);
        }
        RelayedConnection connection = new RelayedConnection(client::close, host::close);
        ByteBuffer lostFrame = RelayDirection.copy(hostLost);
        new Direction(clientSocket, hostSocket, RelayDirection.copy(fromClient), null, null, connection).start();
        new Direction(hostSocket, clientSocket, RelayDirection.copy(fromHost), new FrameBoundaries(), lostFrame, connection).start();
        return connection.finished();
    }



    /** {@code splice(in, NULL, out, NULL, len, MOVE | NONBLOCK)}: bytes moved, 0 at the source's end, or {@link #AGAIN}. */
    private static long splice(MemorySegment callState, int in, int out, long len, String what) throws IOException {
        long n;
        do {
            n = Libc.splice(callState, in, MemorySegment.NULL, out, MemorySegment.NULL, len, FLAGS);
        } while (n < 0 && Libc.errno(callState) == EINTR);
        if (n >= 0) {
            return n;
        }
        int errno = Libc.errno(callState);
        if (errno == EAGAIN) {
            return AGAIN;
        }
        throw Errno.failed(what, errno);
    }

    /** The next bytes of the socket, left in it: how many were copied, 0 at its end, or {@link #AGAIN}. */
    private static long peek(MemorySegment callState, int fd, MemorySegment into) throws IOException {
        long n;
        do {
            n = Libc.recv(callState, fd, into, into.byteSize(), MSG_PEEK);
        } while (n < 0 && Libc.errno(callState) == EINTR);
        if (n >= 0) {
            return n;
        }
        int errno = Libc.errno(callState);
        if (errno == EAGAIN) {
            return AGAIN;
        }
        throw Errno.failed("recv(MSG_PEEK) from the socket", errno);
    }

    /** One way through, socket to pipe to socket. */
    private final class Direction extends RelayDirection<NativeRawSocket> {
        private PipePool.Pipe pipe;
        private long inPipe;
        /** Whether this step runs on the poller's thread, which must never wait. */
        private boolean onPoller;
        /** Bytes moved in this step on the poller's thread, against {@link #POLLER_BUDGET}. */
        private long movedOnPoller;
        /** The source ended (or failed, {@link #failure}) during a step on the poller: the next burst ends the direction. */
        private boolean ending;
        private IOException failure;
        /** Set by fill(): the source gave less than asked, so it is probably empty now. */
        private boolean sourceEmptied;

        Direction(NativeRawSocket from, NativeRawSocket to, ByteBuffer pending, FrameBoundaries frames, ByteBuffer hostLost,
                  RelayedConnection connection) {
            super(from, to, pending, frames, hostLost, connection);
        }

        /**
         * On the poller's thread, the source readable: splices while the destination takes all at
         * once, up to {@link #POLLER_BUDGET} bytes, then re-arms. What would wait (a full
         * destination, the source's end to pass on, the budget spent) goes on in a burst ({@link #goOnInThread}),
         * on a thread of its own, with the pipe as it is: the poller never waits.
         */
        @Override
        protected void stepOnPoller() {
            onPoller = true;
            movedOnPoller = 0;
            boolean handOff = false;
            try {
                moveWhileAvailable();
            } catch (HandOff h) {
                handOff = true;
            } catch (RuntimeException | Error e) {
                onPoller = false;
                broke(e);
                return;
            } finally {
                onPoller = false;
            }
            if (handOff) {
                goOnInThread();
            }
        }

        @Override
        protected void broke(Throwable e) {
            if (pipe != null) {
                pipes.giveBack(pipe, false); // what it holds is unknown: closed
                pipe = null;
            }
            super.broke(e);
        }

        @Override
        protected void moveWhileAvailable() {
            if (pending != null) {
                ByteBuffer readAhead = pending;
                pending = null;
                if (!deliver(readAhead)) {
                    return;
                }
            }
            if (pipe == null) { // a burst handed over from the poller goes on with its pipe
                try {
                    pipe = pipes.take();
                } catch (IOException e) {
                    connection.relayFailed(e);
                    return;
                }
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment callState = Libc.allocateCallState(arena);
                MemorySegment header = arena.allocate(HEADER_MAX);
                if (ending) {
                    ending = false;
                    IOException failed = failure;
                    failure = null;
                    if (drain(callState)) {
                        givePipeBack();
                        sourceEnded(failed);
                    }
                    return;
                }
                while (true) {
                    if (onPoller && movedOnPoller >= POLLER_BUDGET) {
                        throw HAND_OFF;
                    }
                    if (inPipe >= BURST && !drain(callState)) {
                        return;
                    }
                    long got;
                    try {
                        got = fill(callState, header);
                    } catch (IOException e) {
                        if (onPoller) { // passing the end on may wait: a thread does it
                            ending = true;
                            failure = e;
                            throw HAND_OFF;
                        }
                        if (drain(callState)) { // what the source gave before it failed still goes first
                            givePipeBack();
                            sourceEnded(e);
                        }
                        return;
                    }
                    if (got == 0) {
                        if (onPoller) {
                            ending = true;
                            throw HAND_OFF;
                        }
                        if (drain(callState)) {
                            givePipeBack();
                            sourceEnded(null);
                        }
                        return;
                    }
                    if (got > 0) {
                        inPipe += got;
                        if (!sourceEmptied) {
                            continue;
                        }
                    } else if (inPipe > 0) {
                        // EAGAIN: the pipe may be what is full (it holds 16 socket buffers, however small)
                        if (!drain(callState)) {
                            return;
                        }
                        continue;
                    }
                    if (!drain(callState)) {
                        return;
                    }
                    givePipeBack(); // before arming: the next burst may take this very pipe
                    awaitInput();
                    return;
                }
            }
        }

        /** One splice from the source into the pipe: bytes moved, 0 at the source's end, or {@link #AGAIN}. */
        private long fill(MemorySegment callState, MemorySegment header) throws IOException {
            long room = BURST - inPipe;
            long unseen = frames == null || frames.lost() ? Long.MAX_VALUE : frames.payloadLeft();
            if (unseen > 0) {
                long asked = Math.min(room, unseen);
                long got = from.onFd(fd -> splice(callState, fd, pipe.writeEnd(), asked, "splice from the socket"));
                sourceEmptied = got > 0 && got < asked;
                if (got > 0 && unseen != Long.MAX_VALUE) {
                    frames.skipped(got);
                }
                return got;
            }
            long peeked = from.onFd(fd -> peek(callState, fd, header));
            if (peeked <= 0) {
                return peeked;
            }
            // With the whole header in sight, the frame's payload goes in the same splice as its
            // header: one splice per frame, not one for the header and one for the rest.
            long frame = frameLength(header, peeked);
            long asked = Math.min(room, frame > 0 ? frame : peeked);
            long got = from.onFd(fd -> splice(callState, fd, pipe.writeEnd(), asked, "splice from the socket"));
            if (got > 0) {
                long seen = Math.min(got, peeked);
                frames.passed(header.asSlice(0, seen).asByteBuffer()); // the bytes just moved begin with the ones peeked
                if (got > seen) {
                    frames.skipped(got - seen);
                }
            }
            sourceEmptied = got > 0 && (got < asked || (frame <= 0 && peeked < HEADER_MAX));
            return got;
        }

        /** The length of the frame whose header opens {@code peeked} bytes of {@code header}, header included; 0 if not all of its header is there. */
        private static long frameLength(MemorySegment header, long peeked) {
            if (peeked < 2) {
                return 0;
            }
            int second = header.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1) & 0xff;
            int mask = (second & 0x80) != 0 ? 4 : 0;
            int length = second & 0x7f;
            int headerLength = (length == 126 ? 4 : length == 127 ? 10 : 2) + mask;
            if (peeked < headerLength) {
                return 0;
            }
            long payload = length;
            if (length == 126) {
                payload = ((header.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2) & 0xffL) << 8)
                        | (header.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 3) & 0xffL);
            } else if (length == 127) {
                payload = 0;
                for (int i = 2; i < 10; i++) {
                    payload = (payload << 8) | (header.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) & 0xffL);
                }
                if (payload < 0) {
                    return 0; // not a length a frame may have: FrameBoundaries says so, byte by byte
                }
            }
            return payload > Long.MAX_VALUE - headerLength ? 0 : headerLength + payload;
        }

        /** Empties the pipe into the destination, parking while it is full; false if that failed (the direction has ended). */
        private boolean drain(MemorySegment callState) {
            try {
                while (inPipe > 0) {
                    long n = to.onFd(fd -> splice(callState, pipe.readEnd(), fd, inPipe, "splice to the socket"));
                    if (n > 0) {
                        inPipe -= n;
                        movedOnPoller += n;
                        moved(n);
                    } else if (n == AGAIN) {
                        if (onPoller) {
                            throw HAND_OFF; // a thread waits for the destination, with the pipe as it is
                        }
                        to.awaitWritable();
                    } else {
                        throw new IOException("splice to the socket moved nothing from a pipe holding " + inPipe + " bytes");
                    }
                }
                return true;
            } catch (IOException e) {
                givePipeBack(); // with bytes in it: closed
                destinationFailed(e);
                return false;
            }
        }

        private void givePipeBack() {
            pipes.giveBack(pipe, inPipe == 0);
            pipe = null;
            inPipe = 0;
        }

        /** Writes read-ahead bytes from the JVM; false if that failed (the direction has ended). */
        private boolean deliver(ByteBuffer bytes) {
            int count = bytes.remaining();
            if (frames != null) {
                frames.passed(bytes);
            }
            try {
                writeAll(to, bytes);
            } catch (IOException e) {
                destinationFailed(e);
                return false;
            }
            moved(count);
            return true;
        }



    }
}
