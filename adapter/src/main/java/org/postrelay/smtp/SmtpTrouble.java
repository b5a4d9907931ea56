package org.postrelay.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.postrelay.smtp.ConversationSocket.Stage;

/**
 * The one place that decides what a reply or a failure means for each recipient, as Postfix's
 * smtp_trouble.c does: 2xx sent, 4xx deferred, 5xx bounced; a failure of the nexthop itself (name
 * look-up, connect, greeting, 421, lost connection, timeout) defers everyone and is a site failure.
 * The dsn is the reply's enhanced status code when it has one of the right class, else X.0.0; the
 * text is Postfix's.
 */
final class SmtpTrouble {

    /** The recipients' results, whether the nexthop failed softly (throttle), whether the connection may be reused. */
    record Verdict(List<RecipientResult> results, boolean siteFailure, boolean reusable) {
    }

    private static final Pattern LINE_BREAK = Pattern.compile("\r?\n");
    private static final Pattern REPLY_LINE = Pattern.compile("\\d{3}([ -].*)?");
    private static final Pattern ENHANCED = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})(?=\\s|$)");
    private static final String WRITE_TIMED_OUT = "Write timed out";   // Angus WriteTimeoutSocket's message
    /** The JDK's messages for a socket closed on our side (only the write timer closes it mid-conversation). */
    private static final java.util.Set<String> LOCALLY_CLOSED = java.util.Set.of("Socket closed", "Socket is closed");

    private SmtpTrouble() {
    }

    /** Everyone accepted: each recipient gets the reply to the end of data. */
    static Verdict delivered(List<String> recipients, String dataReply) {
        Reply r = Reply.parse(dataReply, 250);
        List<RecipientResult> results = new ArrayList<>();
        for (String rcpt : recipients) {
            results.add(new RecipientResult(rcpt, Outcome.SENT, r.dsn(), r.text()));
        }
        return new Verdict(results, false, true);
    }

    /**
     * The destination did not resolve to any server (Postfix's smtp_addr.c text and dsn): a 4.x.x
     * defers everyone as a site failure, a 5.x.x (NXDOMAIN, null MX) bounces everyone.
     */
    static Verdict lookupFailed(List<String> recipients, String dsn, String text) {
        boolean soft = dsn.startsWith("4");
        return all(recipients, soft ? Outcome.DEFERRED : Outcome.BOUNCED, dsn, text, null, soft);
    }

    /** No address of the nexthop accepted a TCP connection: "connect to h[a]:p: Connection refused". */
    static Verdict connectFailed(List<String> recipients, String where, IOException e) {
        String why;
        if (e instanceof SocketTimeoutException) {
            why = "Connection timed out";
        } else if (e instanceof NoRouteToHostException) {
            why = "No route to host";
        } else if (e instanceof ConnectException && e.getMessage() != null) {
            why = e.getMessage().replaceFirst(" \\(.*\\)$", "");
        } else {
            why = String.valueOf(e.getMessage());
        }
        return all(recipients, Outcome.DEFERRED, "4.4.1", "connect to " + where + ": " + why, null, true);
    }

    /**
     * Setting up the session failed (greeting, EHLO): a reply of the server or a broken conversation.
     * A 4xx or 421 defers everyone (site failure); a 5xx bounces everyone.
     */
    static Verdict sessionFailed(List<String> recipients, String relayName, Stage stage, int code, String reply,
                                 Throwable cause) {
        return sessionFailed(recipients, relayName, stage, code, reply, cause, false);
    }

    /**
     * As above; with {@code skip5xxGreeting} (smtp_skip_5xx_greeting) a 5xx greeting counts as a
     * temporary failure, its dsn made 4.x.x, so that the next server is tried and the mail deferred.
     */
    static Verdict sessionFailed(List<String> recipients, String relayName, Stage stage, int code, String reply,
                                 Throwable cause, boolean skip5xxGreeting) {
        if (code >= 400 && code <= 599) {
            Reply r = Reply.parse(reply, code);
            String text = stage == Stage.GREETING
                    ? "host " + relayName + " refused to talk to me: " + r.text()
                    : "host " + relayName + " said: " + r.text() + " (in reply to " + command(stage) + " command)";
            boolean soft = code < 500 || (stage == Stage.GREETING && skip5xxGreeting);
            String dsn = soft ? "4" + r.dsn().substring(1) : r.dsn();
            return all(recipients, soft ? Outcome.DEFERRED : Outcome.BOUNCED, dsn, text, r.text(), soft);
        }
        return broken(recipients, Map.of(), relayName, stage, cause);
    }

    /** TLS is required and the server did not offer STARTTLS (smtp_proto.c): 4.7.4, a site failure. */
    static Verdict tlsNotOffered(List<String> recipients, String relayName) {
        return all(recipients, Outcome.DEFERRED, "4.7.4", "TLS is required, but was not offered by host " + relayName,
                null, true);
    }

    /** TLS is required and the server answered STARTTLS with an error: deferred or bounced by its code. */
    static Verdict tlsRefused(List<String> recipients, String relayName, int code, String reply) {
        Reply r = Reply.parse(reply, code);
        boolean soft = code < 500;
        return all(recipients, soft ? Outcome.DEFERRED : Outcome.BOUNCED, r.dsn(), "TLS is required, but host "
                + relayName + " refused to start TLS: " + r.text(), r.text(), soft);
    }

    /** The TLS handshake failed; at "may" this does not throttle the destination (SMTP_NOTHROTTLE). */
    static Verdict tlsHandshakeFailed(List<String> recipients, boolean throttle) {
        return all(recipients, Outcome.DEFERRED, "4.7.5", "Cannot start TLS: handshake failure", null, throttle);
    }

    /** verify/secure and the certificate is not trusted or does not match. */
    static Verdict certificateNotVerified(List<String> recipients) {
        return all(recipients, Outcome.DEFERRED, "4.7.5", "Server certificate not verified", null, true);
    }

    /**
     * The server rejected the login (smtp_sasl_authenticate): with smtp_sasl_auth_soft_bounce a 5xx
     * defers with a 4.x.x dsn, else it bounces; the text keeps the server's reply as it was.
     */
    static Verdict saslRejected(List<String> recipients, String relayName, int code, String reply, boolean softBounce) {
        Reply r = Reply.parse(reply, code);
        String dsn = r.dsn();
        Outcome outcome = code >= 500 && !softBounce ? Outcome.BOUNCED : Outcome.DEFERRED;
        if (code >= 500 && softBounce) {
            dsn = "4" + dsn.substring(1);
        }
        return all(recipients, outcome, dsn, "SASL authentication failed; server " + relayName + " said: " + r.text(),
                r.text(), outcome == Outcome.DEFERRED);
    }

    /** Our side could not authenticate: "no mechanism available", or a challenge we cannot answer. */
    static Verdict saslCannotAuthenticate(List<String> recipients, String relayName, String why) {
        return all(recipients, Outcome.DEFERRED, "4.7.0", "SASL authentication failed; cannot authenticate to server "
                + relayName + ": " + why, null, true);
    }

    /** The mechanism filter left none of the server's mechanisms (smtp_sasl_helo_login). */
    static Verdict saslNoCompatibleMechanisms(List<String> recipients, String relayName) {
        return all(recipients, Outcome.DEFERRED, "4.7.0", "SASL authentication failed: server " + relayName
                + " offered no compatible authentication mechanisms for this type of connection security", null, true);
    }

    /** The server kept challenging. */
    static Verdict saslLoop(List<String> recipients, String relayName) {
        return all(recipients, Outcome.DEFERRED, "4.3.0", "SASL authentication failed; authentication protocol loop"
                + " with server " + relayName, null, true);
    }

    /** A local table could not be read (smtp_stream_except SMTP_ERR_DATA). */
    static Verdict localDataError(List<String> recipients, String relayName) {
        return all(recipients, Outcome.DEFERRED, "4.3.0", "local data error while talking to " + relayName, null, true);
    }

    /** The connection broke or timed out while we were doing something of our own (AUTH). */
    static Verdict lostConnection(List<String> recipients, String relayName, Stage stage, IOException cause) {
        return broken(recipients, Map.of(), relayName, stage, cause);
    }

    /** sendMessage threw: per-recipient truth from Angus's exceptions. */
    static Verdict sendFailed(List<String> recipients, String relayName, Stage stage, MessagingException e) {
        Map<String, SMTPAddressFailedException> refused = refusals(e);
        if (refused.values().removeIf(x -> x.getReturnCode() < 200)) {
            // Angus reports a connection lost while waiting for a RCPT reply as that recipient's
            // "refusal" with code -1: no reply at all, so Postfix's "lost connection ... while sending RCPT TO"
            return broken(recipients, refused, relayName, Stage.RCPT, e);
        }
        boolean rcpt421 = refused.values().stream().anyMatch(x -> x.getReturnCode() == 421);
        if (e instanceof SMTPSendFailedException s) {
            int code = s.getReturnCode();
            String cmd = s.getCommand() == null ? "" : s.getCommand();
            if (cmd.equals(".") && code / 100 == 2) {
                // sent to the accepted recipients; the others were refused one by one
                Reply data = Reply.parse(s.getMessage(), code);
                List<RecipientResult> results = new ArrayList<>();
                for (String rcpt : recipients) {
                    SMTPAddressFailedException x = refused.get(rcpt);
                    results.add(x == null ? new RecipientResult(rcpt, Outcome.SENT, data.dsn(), data.text())
                            : refusal(rcpt, relayName, x.getReturnCode(), x.getMessage(), "RCPT TO"));
                }
                return new Verdict(results, rcpt421, !rcpt421);
            }
            if (code >= 400 && code <= 599 && code != 421) {
                // MAIL FROM, DATA or end of data refused: applies to everyone not refused before
                String command = cmd.startsWith("MAIL") ? "MAIL FROM" : cmd.equals(".") ? "end of DATA" : "DATA";
                List<RecipientResult> results = new ArrayList<>();
                for (String rcpt : recipients) {
                    SMTPAddressFailedException x = refused.get(rcpt);
                    results.add(x == null ? refusal(rcpt, relayName, code, s.getMessage(), command)
                            : refusal(rcpt, relayName, x.getReturnCode(), x.getMessage(), "RCPT TO"));
                }
                return new Verdict(results, rcpt421, !rcpt421);
            }
            if (code == 421) {
                String command = cmd.startsWith("MAIL") ? "MAIL FROM" : cmd.equals(".") ? "end of DATA" : "DATA";
                List<RecipientResult> results = new ArrayList<>();
                for (String rcpt : recipients) {
                    SMTPAddressFailedException x = refused.get(rcpt);
                    results.add(x == null ? refusal(rcpt, relayName, code, s.getMessage(), command)
                            : refusal(rcpt, relayName, x.getReturnCode(), x.getMessage(), "RCPT TO"));
                }
                return new Verdict(results, true, false);
            }
            return broken(recipients, refused, relayName, stage, e);  // -1: the server hung up
        }
        if (e instanceof SendFailedException && !refused.isEmpty() && ioCause(e) == null) {
            // no recipient accepted: each refusal stands on its own
            List<RecipientResult> results = new ArrayList<>();
            for (String rcpt : recipients) {
                SMTPAddressFailedException x = refused.get(rcpt);
                results.add(x == null ? new RecipientResult(rcpt, Outcome.DEFERRED, "4.3.0",
                        "host " + relayName + ": no reply to RCPT TO for this recipient")
                        : refusal(rcpt, relayName, x.getReturnCode(), x.getMessage(), "RCPT TO"));
            }
            return new Verdict(results, rcpt421, !rcpt421);
        }
        if (ioCause(e) != null) {
            return broken(recipients, refused, relayName, stage, e);
        }
        // not the network, not a reply: our side (bad address syntax, a spool read error...)
        return all(recipients, Outcome.DEFERRED, "4.3.0", "error talking to " + relayName + " while " + stage.doing
                + ": " + describe(e), null, false);
    }

    /**
     * Whether a failure on a connection taken from the cache only shows that the cache held a dead
     * connection: it broke or said 421 at MAIL FROM, before any recipient was given. Sending again on a
     * fresh connection cannot duplicate anything.
     */
    static boolean staleConnection(Stage stage, MessagingException e) {
        if (e instanceof SMTPSendFailedException s && s.getCommand() != null && s.getCommand().startsWith("MAIL")) {
            // pipelined, the stage has moved on to RCPT TO once the reply to MAIL FROM was read
            return s.getReturnCode() == -1 || s.getReturnCode() == 421 || s.getReturnCode() == 0;
        }
        return stage == Stage.MAIL && ioCause(e) != null;
    }

    /** The conversation broke: lost connection or timed out. Everyone still open is deferred; a site failure. */
    private static Verdict broken(List<String> recipients, Map<String, SMTPAddressFailedException> refused,
                                  String relayName, Stage stage, Throwable cause) {
        String text = (timedOut(cause) ? "conversation with " + relayName + " timed out while "
                : "lost connection with " + relayName + " while ") + stage.doing;
        List<RecipientResult> results = new ArrayList<>();
        for (String rcpt : recipients) {
            SMTPAddressFailedException x = refused.get(rcpt);
            results.add(x == null ? new RecipientResult(rcpt, Outcome.DEFERRED, "4.4.2", text)
                    : refusal(rcpt, relayName, x.getReturnCode(), x.getMessage(), "RCPT TO"));
        }
        return new Verdict(results, true, false);
    }

    private static RecipientResult refusal(String rcpt, String relayName, int code, String reply, String command) {
        Reply r = Reply.parse(reply, code);
        Outcome outcome = code >= 500 ? Outcome.BOUNCED : Outcome.DEFERRED;
        return new RecipientResult(rcpt, outcome, r.dsn(),
                "host " + relayName + " said: " + r.text() + " (in reply to " + command + " command)", r.text());
    }

    private static Verdict all(List<String> recipients, Outcome outcome, String dsn, String text,
                               String serverReply, boolean site) {
        List<RecipientResult> results = new ArrayList<>();
        for (String rcpt : recipients) {
            results.add(new RecipientResult(rcpt, outcome, dsn, text, serverReply));
        }
        return new Verdict(results, site, false);
    }

    /** The refused recipients of Angus's exception chain, by address as we gave it. */
    private static Map<String, SMTPAddressFailedException> refusals(MessagingException e) {
        Map<String, SMTPAddressFailedException> refused = new HashMap<>();
        int depth = 0;
        for (Exception x = e; x != null && depth < 100_000; depth++) {
            if (x instanceof SMTPAddressFailedException f && f.getAddress() != null) {
                refused.putIfAbsent(f.getAddress().getAddress(), f);
            }
            x = x instanceof MessagingException m ? m.getNextException() : null;
        }
        return refused;
    }

    private static IOException ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    /**
     * Whether a read or write timeout ended the conversation. Angus's write timeout closes the
     * socket from a timer: the blocked write then fails with "Write timed out", or, when the timer
     * task was slow to finish (a loaded machine), with the TimeoutException of waiting for it, or,
     * when the timer fired just as a write completed, the next write finds the socket closed by us.
     */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof SocketTimeoutException || m.equals(WRITE_TIMED_OUT)
                    || m.startsWith("java.util.concurrent.TimeoutException")
                    || (t instanceof java.net.SocketException && LOCALLY_CLOSED.contains(m))) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            b.append(": ").append(t.getMessage());
        }
        return b.toString();
    }

    private static String command(Stage stage) {
        return switch (stage) {
            case HELO, GREETING -> "EHLO";
            case STARTTLS -> "STARTTLS";
            case MAIL -> "MAIL FROM";
            case RCPT -> "RCPT TO";
            case DATA, BODY -> "DATA";
            case END_OF_DATA -> "end of DATA";
            case QUIT -> "QUIT";
        };
    }

    /** A server reply on one line ("250 2.0.0 Ok: queued as X") and its dsn. */
    record Reply(String text, String dsn) {

        static Reply parse(String raw, int fallbackCode) {
            List<String> lines = new ArrayList<>();
            if (raw != null) {
                for (String line : LINE_BREAK.split(raw)) {
                    if (!line.isBlank()) {
                        lines.add(line.strip());
                    }
                }
            }
            int code = fallbackCode;
            if (!lines.isEmpty() && REPLY_LINE.matcher(lines.get(0)).matches()) {
                code = Integer.parseInt(lines.get(0).substring(0, 3));
            }
            // Postfix joins a multi-line reply with spaces, each line's "NNN-" prefix removed
            StringBuilder text = new StringBuilder();
            String dsn = null;
            for (String line : lines) {
                String t = REPLY_LINE.matcher(line).matches() ? (line.length() > 4 ? line.substring(4) : "") : line;
                Matcher m = ENHANCED.matcher(t);
                if (m.find() && Character.getNumericValue(m.group(1).charAt(0)) == code / 100) {
                    if (dsn == null) {
                        dsn = m.group();
                    } else if (dsn.equals(m.group())) {
                        t = t.substring(m.end()).strip();          // the same code repeated on each line
                    }
                }
                if (text.length() > 0) {
                    text.append(' ');
                }
                text.append(t);
            }
            String head = String.valueOf(code);
            String body = text.toString().strip();
            if (dsn == null) {
                int c = code / 100;
                dsn = (c == 2 || c == 4 || c == 5 ? c : 4) + ".0.0";
            }
            return new Reply(body.isEmpty() ? head : head + " " + body, dsn.toLowerCase(Locale.ROOT));
        }
    }
}
