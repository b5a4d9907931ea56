package org.postrelay.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus's SMTPTransport with Postfix's answer to a refused STARTTLS: when the server offered STARTTLS
 * but does not answer 220, "may" goes on in clear text on the same connection, and the levels that
 * require TLS give up; the refusal is kept for the diagnostic ("TLS is required, but host h[a]
 * refused to start TLS: 454 ..."). Handshake trouble is the {@link ConversationSocket}'s to report.
 */
final class RelayTransport extends SMTPTransport {

    private final boolean tlsRequired;
    private volatile String refusal;
    private volatile int refusalCode;

    RelayTransport(Session session, URLName url, boolean startTls, boolean tlsRequired) {
        super(session, url);
        this.tlsRequired = tlsRequired;
        setStartTLS(startTls);
        setRequireStartTLS(false);                      // we check after connect, to give Postfix's texts
    }

    @Override
    protected void startTLS() throws MessagingException {
        try {
            super.startTLS();
        } catch (MessagingException e) {
            int code = getLastReturnCode();
            if (code == 220 || code < 0 || e.getNextException() != null) {
                throw e;                                 // the handshake failed, or the connection did
            }
            refusalCode = code;
            refusal = getLastServerResponse();
            if (tlsRequired) {
                throw e;
            }
            // "may": go on in clear text; Angus sends EHLO again, which does no harm
        }
    }

    /** The server's reply when it refused STARTTLS, or null. */
    String starttlsRefusal() {
        return refusal;
    }

    int starttlsRefusalCode() {
        return refusalCode;
    }
}
