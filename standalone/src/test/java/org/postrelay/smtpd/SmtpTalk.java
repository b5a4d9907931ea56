package org.postrelay.smtpd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw SMTP client for the tests: writes exactly what a test says (pipelined when it says so)
 * and reads replies line by line, from an optional local address such as 127.0.0.2.
 */
final class SmtpTalk implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    SmtpTalk(InetSocketAddress server, InetAddress local) throws IOException {
        socket = new Socket();
        socket.setSoTimeout(30_000);
        if (local != null) {
            socket.bind(new InetSocketAddress(local, 0));
        }
        socket.connect(server, 10_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        out = socket.getOutputStream();
    }

    SmtpTalk(InetSocketAddress server) throws IOException {
        this(server, null);
    }

    /** Sends text as is (CRLFs included by the caller). */
    SmtpTalk send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** The socket's output, for a test that streams a large message itself. */
    OutputStream outputStream() {
        return out;
    }

    /** Sends one command line and returns its whole reply. */
    String command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** One reply, its lines joined with \n (a multi-line reply ends at "NNN " ). */
    String reply() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                return sb.length() == 0 ? null : sb.toString();
            }
            sb.append(sb.length() == 0 ? "" : "\n").append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return sb.toString();
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
