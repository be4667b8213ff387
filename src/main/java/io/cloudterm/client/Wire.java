package io.cloudterm.client;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The bytes under the WebSocket: a socket channel for {@code ws://} (read straight into the
 * client's direct buffer, no copy), or a TLS socket's streams for {@code wss://}. The upgrade's
 * head is read through {@link #head}, which honours {@code SO_TIMEOUT} (a channel does not).
 */
record Wire(Socket socket, InputStream head, ReadableByteChannel in, WritableByteChannel out) implements Closeable {

    /** Connects to {@code uri}'s host and port within {@code timeout}, TLS through {@code tls} for {@code wss}. */
    static Wire connect(URI uri, SSLSocketFactory tls, Duration timeout) throws IOException {
        boolean secure = "wss".equals(uri.getScheme());
        if (!secure && !"ws".equals(uri.getScheme())) {
            throw new IllegalArgumentException("a ws:// or wss:// address, not " + uri);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        InetSocketAddress address = new InetSocketAddress(uri.getHost(), port);
        int millis = (int) timeout.toMillis();
        if (!secure) {
            SocketChannel channel = SocketChannel.open();
            try {
                connect(channel.socket(), address, millis);
                return new Wire(channel.socket(), channel.socket().getInputStream(), channel, channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        Socket plain = new Socket();
        try {
            connect(plain, address, millis);
            SSLSocket socket = (SSLSocket) tls.createSocket(plain, uri.getHost(), port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(millis);
            socket.startHandshake();
            return new Wire(socket, socket.getInputStream(), Channels.newChannel(socket.getInputStream()),
                    Channels.newChannel(socket.getOutputStream()));
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private static void connect(Socket socket, InetSocketAddress address, int millis) throws IOException {
        try {
            socket.connect(address, millis);
        } catch (SocketTimeoutException e) {
            throw new IOException("not connected within " + millis + " ms", e);
        }
        socket.setTcpNoDelay(true); // keystrokes go out at once
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
    }
}
