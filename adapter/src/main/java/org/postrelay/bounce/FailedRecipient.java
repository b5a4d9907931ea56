package org.postrelay.bounce;

/**
 * A recipient that was not delivered, as a delivery status notification reports it.
 *
 * @param index the recipient's index in the queue file, to mark it done
 * @param address the recipient
 * @param dsn the enhanced status code, e.g. {@code 5.1.1}
 * @param text why, in the mail log's words, e.g.
 *        {@code host relay[127.0.0.1] said: 550 5.1.1 No such user (in reply to RCPT TO command)}
 * @param serverReply the remote server's bare reply ({@code 550 5.1.1 No such user}), or null when
 *        the reason is our own (connection refused, local delivery disabled)
 * @param remoteMta the relay that was talked to ({@code host[addr]:port}), or null
 */
public record FailedRecipient(int index, String address, String dsn, String text, String serverReply,
                              String remoteMta) {

    /** The DSN's Diagnostic-Code: {@code smtp; reply} from a server, else {@code X-Postfix; text}. */
    public String diagnosticCode() {
        return serverReply != null ? "smtp; " + serverReply : "X-Postfix; " + text;
    }
}
