package org.postrelay.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLSocketFactory;

/**
 * The factory Angus calls after the server's 220 to STARTTLS (mail.smtp.ssl.socketFactory): it hands
 * the switch to the {@link ConversationSocket} Angus was given, which puts the TLS session underneath
 * and stays the socket Angus talks through. Angus makes no other sockets: we connect them ourselves.
 */
final class StartTlsSocketFactory extends SSLSocketFactory {

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        if (socket instanceof ConversationSocket conversation) {
            return conversation.startTls();
        }
        throw new SocketException("STARTTLS on a socket Postrelay did not connect: " + socket);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return new String[0];
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return new String[0];
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw new SocketException("Postrelay connects its SMTP sockets itself");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new SocketException("Postrelay connects its SMTP sockets itself");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw new SocketException("Postrelay connects its SMTP sockets itself");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new SocketException("Postrelay connects its SMTP sockets itself");
    }
}
