package io.cloudterm.bench.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The floors of the latency figures, trivial echo servers in this JVM on loopback: a minimal
 * WebSocket echo (handshake, then each frame sent back unmasked; a thread per connection, blocking
 * socket, TCP_NODELAY) and a plain TCP echo.
 */
final class EchoFloors {

    private EchoFloors() {
    }

    /** A minimal WebSocket echo server: a client's {@code 0x}-INPUT comes back as OUTPUT. */
    static final class WebSocketEcho extends Echo {

        WebSocketEcho() throws IOException {
            super("ws-echo");
        }

        @Override
        void serve(Socket s) throws Exception {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            String key = null;
            boolean tty = false;
            StringBuilder line = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return;
                }
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                String l = line.toString().trim();
                line.setLength(0);
                if (l.isEmpty()) {
                    break;
                }
                String lower = l.toLowerCase(Locale.ROOT);
                if (lower.startsWith("sec-websocket-key:")) {
                    key = l.substring(l.indexOf(':') + 1).trim();
                } else if (lower.startsWith("sec-websocket-protocol:") && lower.contains("tty")) {
                    tty = true;
                }
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                    + accept + "\r\n" + (tty ? "Sec-WebSocket-Protocol: tty\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (true) {
                int b0 = in.read(), b1 = in.read();
                if (b0 < 0 || b1 < 0) {
                    return;
                }
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = (in.read() << 8) | in.read();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | in.read();
                    }
                }
                byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : new byte[4];
                byte[] payload = in.readNBytes((int) len);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
                byte[] frame = new byte[payload.length + 4];
                int h = 0;
                frame[h++] = (byte) b0;
                if (payload.length < 126) {
                    frame[h++] = (byte) payload.length;
                } else {
                    frame[h++] = 126;
                    frame[h++] = (byte) (payload.length >> 8);
                    frame[h++] = (byte) payload.length;
                }
                System.arraycopy(payload, 0, frame, h, payload.length);
                out.write(frame, 0, h + payload.length);
                out.flush();
                if ((b0 & 0x0f) == 8) {
                    return; // the close, echoed
                }
            }
        }
    }

    /** A plain TCP echo. */
    static final class TcpEcho extends Echo {

        TcpEcho() throws IOException {
            super("tcp-echo");
        }

        @Override
        void serve(Socket s) throws IOException {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        }
    }

    /** A loopback server with a platform thread per connection. */
    abstract static class Echo implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> sockets = new ArrayList<>();

        Echo(String name) throws IOException {
            Thread.ofPlatform().daemon().name(name + "-accept").start(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        synchronized (sockets) {
                            sockets.add(s);
                        }
                        Thread.ofPlatform().daemon().name(name).start(() -> {
                            try (s) {
                                s.setTcpNoDelay(true);
                                serve(s);
                            } catch (Exception gone) {
                                // the client went
                            }
                        });
                    }
                } catch (IOException closed) {
                    // closed
                }
            });
        }

        abstract void serve(Socket s) throws Exception;

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }
}
