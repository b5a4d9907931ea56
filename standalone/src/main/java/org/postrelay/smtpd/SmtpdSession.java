package org.postrelay.smtpd;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.subethamail.smtp.server.Session;

/**
 * One client connection's state: who it is, its HELO, the mail transaction under way (sender,
 * recipients), Postfix's per-command counters for the {@code disconnect} log line, and whether a
 * command is running, so that a stopping smtpd closes idle sessions at once and busy ones after
 * their command.
 */
final class SmtpdSession {

    private final Session session;
    final InetAddress address;
    /** {@code name[address]}, as Postfix logs a client. */
    final String client;
    final String name;
    final String addressText;

    String helo;
    String protocol = "SMTP";
    /** The envelope sender of the transaction under way ("" is the null sender); null: no transaction. */
    String sender;
    final List<String> recipients = new ArrayList<>();

    /** Postfix's order of the counters in its disconnect line. */
    private static final List<String> ORDER = List.of("helo", "ehlo", "starttls", "auth", "mail", "rcpt", "data",
            "bdat", "rset", "noop", "vrfy", "etrn", "quit", "unknown");

    /** Verb (lower case) to {ok, total}, as Postfix's disconnect line counts them. */
    private final Map<String, int[]> counts = new HashMap<>();
    private int lastCode;
    private String lastReply = "";
    String lastVerb = "CONNECT";
    boolean quit;
    long lastActivity = System.nanoTime();

    private boolean busy;
    private boolean closing;
    private final String closingReply;

    SmtpdSession(Session session, InetAddress address, String name, String closingReply) {
        this.session = session;
        this.address = address;
        this.name = name;
        this.addressText = IpLiterals.text(address);
        this.client = name + "[" + addressText + "]";
        this.closingReply = closingReply;
    }

    /**
     * Sends one reply (multi-line replies joined with CRLF). What a reply echoes of the client's
     * input (an option, a header line) is made printable ASCII, as Postfix's printable() does: a
     * stray byte must not break the reply's line or its encoding.
     */
    void reply(String text) throws IOException {
        String safe = printable(text);
        lastCode = Integer.parseInt(safe.substring(0, 3));
        lastReply = safe;
        session.sendResponse(safe);
    }

    static String printable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                sb.append("\r\n");
                i++;
            } else {
                sb.append(c >= 0x20 && c < 0x7f ? c : '?');
            }
        }
        return sb.toString();
    }

    /** The library's session, whose input stream carries the message content after DATA. */
    Session librarySession() {
        return session;
    }

    void resetTransaction() {
        sender = null;
        recipients.clear();
    }

    /**
     * Counts a finished command as Postfix does: ok when its last reply was not an error; a command
     * answered "not recognized" (HELP, EXPN, ...) counts as unknown.
     */
    void count(String verb) {
        String key = lastReply.equals(Verb.NOT_RECOGNIZED) ? "unknown" : verb.toLowerCase(Locale.ROOT);
        int[] c = counts.computeIfAbsent(key, v -> new int[2]);
        if (lastCode < 400) {
            c[0]++;
        }
        c[1]++;
        lastVerb = key.toUpperCase(Locale.ROOT);
        lastActivity = System.nanoTime();
    }

    /** " ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4", as after Postfix's "disconnect from ...". */
    String counters() {
        StringBuilder sb = new StringBuilder();
        int ok = 0;
        int total = 0;
        for (String verb : ORDER) {
            int[] c = counts.get(verb);
            if (c != null) {
                sb.append(' ').append(verb).append('=').append(fraction(c[0], c[1]));
                ok += c[0];
                total += c[1];
            }
        }
        return sb.append(" commands=").append(fraction(ok, total)).toString();
    }

    private static String fraction(int ok, int total) {
        return ok == total ? Integer.toString(total) : ok + "/" + total;
    }

    // ---- stopping ---------------------------------------------------------------------------

    /** Marks a command as running; false when smtpd is stopping (the command must not run). */
    synchronized boolean begin() {
        if (closing) {
            return false;
        }
        busy = true;
        return true;
    }

    /** Ends a command; a session told to close meanwhile is closed now, after its reply. */
    synchronized void end() {
        busy = false;
        if (closing) {
            closeNow();
        }
    }

    /** smtpd is stopping: an idle session is closed now, a busy one when its command ends. */
    synchronized void shutdown() {
        closing = true;
        if (!busy) {
            closeNow();
        }
    }

    synchronized boolean closing() {
        return closing;
    }

    void quit() {
        quit = true;
        session.quit();
    }

    private void closeNow() {
        try {
            session.sendResponse(closingReply);
        } catch (IOException e) {
            // the client is gone already: nothing to tell it
        }
        session.quit();
    }
}
