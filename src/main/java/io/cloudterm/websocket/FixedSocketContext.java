package io.cloudterm.websocket;

import io.helidon.common.socket.PeerInfo;
import io.helidon.common.socket.SocketContext;

/** What a listener may ask of a taken-over connection's socket, copied at the takeover (see {@link FixedPeer}). */
record FixedSocketContext(PeerInfo remotePeer, PeerInfo localPeer, String socketId, String childSocketId)
        implements SocketContext {

    @Override
    public boolean isSecure() {
        return false;
    }
}
