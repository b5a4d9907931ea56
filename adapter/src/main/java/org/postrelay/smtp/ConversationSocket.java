package org.postrelay.smtp;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.angus.mail.util.WriteTimeoutSocket;

/**
 * The socket Angus talks SMTP through: it follows the conversation in clear text, above TLS, and
 * before each reply is read it sets the read timeout Postfix would (smtp_helo_timeout for the
 * greeting and EHLO, smtp_starttls_timeout, smtp_mail_timeout, smtp_rcpt_timeout,
 * smtp_data_init_timeout, smtp_data_done_timeout, smtp_quit_timeout); it knows the stage the
 * conversation is in, to say what we were doing when it broke. With PIPELINING several commands wait
 * for their replies at once: as in Postfix, the stage and the timeout are those of the oldest
 * command not yet answered, and {@link #cork} gathers a batch of commands into one write.
 * Underneath is the TCP connection or,
 * after {@link #startTls}, a TLS session over it; either way each write is bounded by
 * smtp_data_xfer_timeout. Angus has a single read timeout for everything; this is how we get Postfix's.
 */
final class ConversationSocket extends Socket {

    /** Where the conversation stands; the text is Postfix's "... while &lt;doing&gt;". */
    enum Stage {
        GREETING("receiving the initial server greeting"),
        HELO("performing the EHLO handshake"),
        STARTTLS("receiving the STARTTLS response"),
        MAIL("sending MAIL FROM"),
        RCPT("sending RCPT TO"),
        DATA("sending DATA command"),
        BODY("sending message body"),
        END_OF_DATA("sending end of data -- message may be sent more than once"),
        QUIT("sending QUIT");

        final String doing;

        Stage(String doing) {
            this.doing = doing;
        }
    }

    /** Makes the TLS session over the TCP connection (a {@link StartTls#handshake} for this peer). */
    interface TlsStart {
        StartTls.Established start(Socket tcp) throws IOException;
    }

    private final ClientSettings settings;
    private final Socket tcp;
    private final ScheduledExecutorService timer;
    private volatile Socket transport;                 // tcp or the TLS session, behind the write timeout
    private volatile TlsStart tlsStart;
    private volatile StartTls.Established tls;
    private volatile IOException tlsFailure;
    private volatile Stage stage = Stage.GREETING;
    private volatile int lastReplyCode;

    /** A command sent and not yet answered: its stage (null: leave the stage as it is) and reply timeout. */
    private record Awaited(Stage stage, Duration timeout) {
    }

    // client side parser state (one writer thread at a time: SMTPTransport is synchronized)
    private final ArrayDeque<Awaited> awaited = new ArrayDeque<>();   // also touched by the reader: same thread
    private java.io.ByteArrayOutputStream corked;      // a batch of pipelined commands, written on uncork
    private final byte[] verb = new byte[4];
    private int column;
    private boolean dataCommandSent;
    private boolean inBody;
    private boolean dotLine;
    private volatile boolean inAuth;                   // AUTH exchange: client lines are SASL data, not commands

    // server side parser state
    private int replyColumn;
    private int replyCode;
    private boolean continued;                         // this reply line is "NNN-...": more lines follow

    /** Wraps a connected TCP socket; writes time out on the client's shared timer. */
    ConversationSocket(ClientSettings settings, Socket tcp, ScheduledExecutorService timer) throws IOException {
        this.settings = settings;
        this.tcp = tcp;
        this.timer = timer;
        this.transport = new WriteTimeoutSocket(tcp, ClientSettings.millis(settings.dataXferTimeout()), timer);
    }

    Stage stage() {
        return stage;
    }

    /** Arms the greeting timeout; call once connected (and after a wrapper-mode handshake). */
    void awaitGreeting() throws IOException {
        stage = Stage.GREETING;
        setSoTimeout(ClientSettings.millis(settings.heloTimeout()));
    }

    /** How {@link #startTls} makes the TLS session; without one, STARTTLS fails. */
    void tlsStart(TlsStart start) {
        this.tlsStart = start;
    }

    /**
     * Turns on TLS over the TCP connection: called by Angus after the server's 220 to STARTTLS (through
     * {@link StartTlsSocketFactory}), or by us before the greeting in wrapper mode. The failure is kept
     * for {@link #tlsFailure()} and thrown.
     */
    ConversationSocket startTls() throws IOException {
        TlsStart start = tlsStart;
        if (start == null) {
            throw new SocketException("TLS is not configured for this connection");
        }
        try {
            StartTls.Established established = start.start(tcp);
            this.transport = new WriteTimeoutSocket(established.socket(),
                    ClientSettings.millis(settings.dataXferTimeout()), timer);
            this.tls = established;
            return this;
        } catch (IOException e) {
            tlsFailure = e;
            throw e;
        }
    }

    /** The TLS session in use, or null while the conversation is in clear text. */
    StartTls.Established tls() {
        return tls;
    }

    /** Why starting TLS failed, or null. */
    IOException tlsFailure() {
        return tlsFailure;
    }

    /** Marks the start of an AUTH exchange sent by {@link SaslAuthenticator}: lines until the final reply are SASL data. */
    void authenticating() {
        inAuth = true;
    }

    /** From now on what the client writes is held back, flushes included, until {@link #uncork}. */
    void cork() {
        corked = new java.io.ByteArrayOutputStream(512);
    }

    /** Forgets what was held back since {@link #cork}: nothing of it is sent. */
    void dropCorked() {
        corked = null;
    }

    /** Writes what was held back since {@link #cork} in one write. */
    void uncork() throws IOException {
        java.io.ByteArrayOutputStream batch = corked;
        corked = null;
        if (batch != null && batch.size() > 0) {
            OutputStream out = transport.getOutputStream();
            batch.writeTo(out);
            out.flush();
        }
    }

    /** Streams over what is underneath now: Angus asks again after STARTTLS, and so gets the TLS session's. */
    @Override
    public InputStream getInputStream() throws IOException {
        return new FilterInputStream(transport.getInputStream()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    serverByte(b);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                for (int i = 0; i < n; i++) {
                    serverByte(buffer[offset + i] & 0xff);
                }
                return n;
            }
        };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return new FilterOutputStream(transport.getOutputStream()) {
            @Override
            public void write(int b) throws IOException {
                clientByte(b & 0xff);
                if (corked != null) {
                    corked.write(b);
                } else {
                    out.write(b);
                }
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                for (int i = 0; i < length; i++) {
                    clientByte(buffer[offset + i] & 0xff);
                }
                if (corked != null) {
                    corked.write(buffer, offset, length);
                } else {
                    out.write(buffer, offset, length);
                }
            }

            @Override
            public void flush() throws IOException {
                if (corked == null) {
                    out.flush();
                }
            }
        };
    }

    // ---- the rest is the socket underneath --------------------------------------------------

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        transport.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return transport.getSoTimeout();
    }

    @Override
    public void close() throws IOException {
        try {
            transport.close();
        } finally {
            tcp.close();
        }
    }

    @Override
    public boolean isClosed() {
        return tcp.isClosed() || transport.isClosed();
    }

    @Override
    public boolean isConnected() {
        return tcp.isConnected();
    }

    @Override
    public boolean isBound() {
        return tcp.isBound();
    }

    @Override
    public InetAddress getInetAddress() {
        return tcp.getInetAddress();
    }

    @Override
    public int getPort() {
        return tcp.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return tcp.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return tcp.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return tcp.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return tcp.getLocalSocketAddress();
    }

    @Override
    public void shutdownInput() throws IOException {
        transport.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        transport.shutdownOutput();
    }

    @Override
    public boolean isInputShutdown() {
        return transport.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return transport.isOutputShutdown();
    }

    @Override
    public String toString() {
        return "ConversationSocket[" + tcp + (tls != null ? ", " + tls.protocol() : "") + ", " + stage + "]";
    }

    /**
     * Follows reply lines "NNN-..." / "NNN ..." to remember the code of the last complete reply; at the
     * end of a reply (a line without "-" in column 4, as Angus reads it) the next command waiting for
     * its reply gives the stage and the timeout.
     */
    private void serverByte(int b) throws IOException {
        if (b == '\n') {
            replyColumn = 0;
            if (continued) {
                continued = false;
            } else {
                answered();
            }
            return;
        }
        if (replyColumn < 3) {
            replyCode = replyColumn == 0 ? 0 : replyCode;
            replyCode = b >= '0' && b <= '9' ? replyCode * 10 + (b - '0') : -1000;
        } else if (replyColumn == 3 && b != '-') {
            lastReplyCode = replyCode;                             // "NNN " or "NNN\r": the last line
            if (replyCode != 334) {
                inAuth = false;                                    // the AUTH exchange is over
            }
        } else if (replyColumn == 3) {
            continued = true;
        }
        replyColumn++;
    }

    /** A whole reply came: its command is answered; the next one waiting (if any) sets stage and timeout. */
    private void answered() throws IOException {
        if (awaited.pollFirst() != null && !awaited.isEmpty()) {
            enter(awaited.peekFirst());
        }
    }

    /** Follows the client's commands and message body; sets the timeout for the reply to come. */
    private void clientByte(int b) throws IOException {
        if (dataCommandSent) {
            dataCommandSent = false;
            inBody = lastReplyCode == 354;                         // else the client goes on with RSET/QUIT
            if (inBody) {
                stage = Stage.BODY;
            }
        }
        if (inBody) {
            bodyByte(b);
            return;
        }
        if (inAuth) {
            column = 0;                                            // SASL data, never a command
            return;
        }
        if (b == '\n') {
            command();
            column = 0;
            return;
        }
        if (column < verb.length) {
            verb[column] = (byte) Character.toUpperCase(b);
        }
        column++;
    }

    private void bodyByte(int b) throws IOException {
        if (b == '\n') {
            if (dotLine && column == 2) {                          // ".\r\n": the end of data
                inBody = false;
                sent(Stage.END_OF_DATA, settings.dataDoneTimeout());
            }
            column = 0;
            dotLine = false;
            return;
        }
        column++;
        dotLine = column == 1 ? b == '.' : column == 2 && dotLine && b == '\r';
    }

    private void command() throws IOException {
        String v = column >= 4 ? new String(verb, java.nio.charset.StandardCharsets.US_ASCII) : "";
        switch (v) {
            case "EHLO", "HELO" -> sent(Stage.HELO, settings.heloTimeout());
            case "MAIL" -> sent(Stage.MAIL, settings.mailTimeout());
            case "RCPT" -> sent(Stage.RCPT, settings.rcptTimeout());
            case "DATA" -> {
                sent(Stage.DATA, settings.dataInitTimeout());
                dataCommandSent = true;
            }
            case "QUIT" -> sent(Stage.QUIT, settings.quitTimeout());
            case "STAR" -> sent(Stage.STARTTLS, settings.tls().starttlsTimeout());
            // AUTH (inside the EHLO handshake, as Postfix counts it), RSET, NOOP: the EHLO timeout
            default -> sent(null, settings.heloTimeout());
        }
    }

    /** A command went out; when no other one waits for its reply, its stage and timeout apply now. */
    private void sent(Stage s, Duration timeout) throws IOException {
        Awaited a = new Awaited(s, timeout);
        boolean first = awaited.isEmpty();
        awaited.addLast(a);
        if (first) {
            enter(a);
        }
    }

    private void enter(Awaited a) throws IOException {
        if (a.stage() != null) {
            stage = a.stage();
        }
        setSoTimeout(ClientSettings.millis(a.timeout()));
    }
}
