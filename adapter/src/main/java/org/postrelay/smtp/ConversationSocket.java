package org.postrelay.smtp;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A client socket that follows the SMTP conversation it carries: before each reply is read it sets
 * the read timeout Postfix would (smtp_helo_timeout for the greeting and EHLO, smtp_mail_timeout,
 * smtp_rcpt_timeout, smtp_data_init_timeout, smtp_data_done_timeout, smtp_quit_timeout), and it
 * knows the stage the conversation is in, to say what we were doing when it broke.
 * Angus has a single read timeout for everything; this is how we get Postfix's.
 */
final class ConversationSocket extends Socket {

    /** Where the conversation stands; the text is Postfix's "... while &lt;doing&gt;". */
    enum Stage {
        GREETING("receiving the initial server greeting"),
        HELO("performing the EHLO handshake"),
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

    private final ClientSettings settings;
    private volatile Stage stage = Stage.GREETING;
    private volatile int lastReplyCode;
    private InputStream input;
    private OutputStream output;

    // client side parser state (one writer thread at a time: SMTPTransport is synchronized)
    private final byte[] verb = new byte[4];
    private int column;
    private boolean dataCommandSent;
    private boolean inBody;
    private boolean dotLine;

    // server side parser state
    private int replyColumn;
    private int replyCode;

    ConversationSocket(ClientSettings settings) {
        this.settings = settings;
    }

    Stage stage() {
        return stage;
    }

    /** Arms the greeting timeout; call once connected. */
    void awaitGreeting() throws IOException {
        setSoTimeout(ClientSettings.millis(settings.heloTimeout()));
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (input == null) {
            input = new FilterInputStream(super.getInputStream()) {
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
        return input;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (output == null) {
            output = new FilterOutputStream(super.getOutputStream()) {
                @Override
                public void write(int b) throws IOException {
                    clientByte(b & 0xff);
                    out.write(b);
                }

                @Override
                public void write(byte[] buffer, int offset, int length) throws IOException {
                    for (int i = 0; i < length; i++) {
                        clientByte(buffer[offset + i] & 0xff);
                    }
                    out.write(buffer, offset, length);
                }
            };
        }
        return output;
    }

    /** Follows reply lines "NNN-..." / "NNN ..." to remember the code of the last complete reply. */
    private void serverByte(int b) {
        if (b == '\n') {
            replyColumn = 0;
            return;
        }
        if (replyColumn < 3) {
            replyCode = replyColumn == 0 ? 0 : replyCode;
            replyCode = b >= '0' && b <= '9' ? replyCode * 10 + (b - '0') : -1000;
        } else if (replyColumn == 3 && b != '-') {
            lastReplyCode = replyCode;                             // "NNN " or "NNN\r": the last line
        }
        replyColumn++;
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
                stage = Stage.END_OF_DATA;
                setSoTimeout(ClientSettings.millis(settings.dataDoneTimeout()));
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
            case "EHLO", "HELO" -> next(Stage.HELO, settings.heloTimeout());
            case "MAIL" -> next(Stage.MAIL, settings.mailTimeout());
            case "RCPT" -> next(Stage.RCPT, settings.rcptTimeout());
            case "DATA" -> {
                next(Stage.DATA, settings.dataInitTimeout());
                dataCommandSent = true;
            }
            case "QUIT" -> next(Stage.QUIT, settings.quitTimeout());
            // RSET, NOOP, STARTTLS, AUTH: Postfix has timeouts of its own for some; the EHLO one will do
            default -> setSoTimeout(ClientSettings.millis(settings.heloTimeout()));
        }
    }

    private void next(Stage s, java.time.Duration timeout) throws IOException {
        stage = s;
        setSoTimeout(ClientSettings.millis(timeout));
    }
}
