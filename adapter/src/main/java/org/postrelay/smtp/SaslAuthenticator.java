package org.postrelay.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The AUTH exchange of Postfix's smtp_sasl_authenticate() for PLAIN (with an initial response) and
 * LOGIN. It writes to and reads from the {@link ConversationSocket} directly, under Angus, which has
 * just read the EHLO reply and holds nothing unread: so Angus's protocol trace never sees the
 * credentials, and nothing else logs them.
 */
final class SaslAuthenticator {

    /** How the exchange ended: code 235 is success; otherwise the server's final reply, or our own trouble. */
    record Result(int code, String reply, String trouble) {
        boolean ok() {
            return code == 235;
        }
    }

    private static final int MAX_STEPS = 100;          // Postfix's "authentication protocol loop" limit
    private static final int MAX_LINE = 8192;

    private SaslAuthenticator() {
    }

    /** Runs AUTH; an IOException is the connection breaking or timing out (smtp_helo_timeout per reply). */
    static Result authenticate(ConversationSocket socket, SaslPolicy.Mechanism mechanism,
                               SaslPasswords.Credentials credentials) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        socket.authenticating();
        String user = b64(credentials.user());
        if (mechanism == SaslPolicy.Mechanism.PLAIN) {
            send(out, "AUTH PLAIN " + b64("\0" + credentials.user() + "\0" + credentials.password()));
        } else {
            send(out, "AUTH LOGIN");
        }
        int steps = 0;
        while (true) {
            String reply = readReply(in);
            int code = Integer.parseInt(reply.substring(0, 3));
            if (code / 100 != 3) {
                return new Result(code, reply, null);
            }
            if (++steps > MAX_STEPS) {
                return new Result(0, null, "authentication protocol loop");
            }
            if (mechanism == SaslPolicy.Mechanism.LOGIN && steps <= 2) {
                // LOGIN answers the user name, then the password, whatever the prompts say
                send(out, steps == 1 ? user : b64(credentials.password()));
            } else {
                // a challenge PLAIN/LOGIN cannot answer: Cyrus gives up, and so does the session
                return new Result(0, null, "bad protocol / cancel");
            }
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One reply, continuation lines joined with "\n" as Angus keeps them; EOFException if the server hung up. */
    private static String readReply(InputStream in) throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = readLine(in);
            if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) {
                throw new IOException("malformed SMTP reply line: \"" + line + "\"");
            }
            if (reply.length() > 0) {
                reply.append('\n');
            }
            reply.append(line);
            if (line.length() == 3 || line.charAt(3) != '-') {
                return reply.toString();
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (b != '\r' && line.length() < MAX_LINE) {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
