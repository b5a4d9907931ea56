package org.postrelay.smtp;

/**
 * One recipient's result: dsn like "2.0.0", "4.4.1", "5.1.1"; reply is the text the mail log shows
 * (for SENT, the reply to the end of data; otherwise Postfix's wording such as
 * "host h[a] said: 550 5.1.1 No such user (in reply to RCPT TO command)"); serverReply is the
 * remote server's bare reply when it said something ("550 5.1.1 No such user"), null when the
 * text is our own (connection refused, timeout), as a DSN's Diagnostic-Code needs.
 */
public record RecipientResult(String recipient, Outcome outcome, String dsn, String reply, String serverReply) {

    /** A result whose text is our own diagnostic, not a server's reply. */
    public RecipientResult(String recipient, Outcome outcome, String dsn, String reply) {
        this(recipient, outcome, dsn, reply, null);
    }
}
