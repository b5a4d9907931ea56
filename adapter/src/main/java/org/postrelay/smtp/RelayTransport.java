package org.postrelay.smtp;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPOutputStream;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus's SMTPTransport with what a relay needs beyond it: Postfix's answer to a refused STARTTLS,
 * smtp_discard_ehlo_keywords, and SMTP PIPELINING (RFC 2920), which Angus does not do.
 * <p>
 * STARTTLS: when the server offered it but does not answer 220, "may" goes on in clear text on the
 * same connection, and the levels that require TLS give up; the refusal is kept for the diagnostic
 * ("TLS is required, but host h[a] refused to start TLS: 454 ..."). Handshake trouble is the
 * {@link ConversationSocket}'s to report.
 * <p>
 * PIPELINING, as Postfix's smtp_proto.c: when the server offers it, MAIL FROM, every RCPT TO and DATA
 * go out in one write and their replies are read in order. Each reply means what it means without
 * pipelining, and a failure ends in the same exception Angus would throw, so {@link SmtpTrouble} judges
 * both alike: a refused MAIL FROM (the RCPT and DATA replies are read and ignored), refused recipients
 * (sendpartial: the others get the message), all recipients refused (DATA is refused too, or answered
 * with a lone "." when a server accepts it anyway), a refused DATA. After a failed transaction RSET,
 * as Angus sends it. The commands are the plain ones Angus would build: our session asks for none of
 * its MAIL or RCPT options (DSN, submitter, SMTPUTF8, mail extension).
 */
final class RelayTransport extends SMTPTransport {

    private static final byte[] END_OF_DATA = ".\r\n".getBytes(StandardCharsets.US_ASCII);

    private final boolean tlsRequired;
    private final ConversationSocket socket;
    private final EhloDiscard discard;
    private final SmtpLog log;
    private volatile String refusal;
    private volatile int refusalCode;

    // one pipelined transaction; SMTPTransport.sendMessage is synchronized
    private Message message;
    private Address[] recipients;
    private boolean pipelined;
    private MessagingException refusals;               // the RCPT refusals, chained, when some recipient was accepted
    private Address[] refusedValid = new Address[0];   // 4xx: valid, unsent
    private Address[] refusedInvalid = new Address[0]; // 5xx
    private Address[] accepted = new Address[0];
    private SMTPOutputStream body;
    private OutputStream bodyOut;

    RelayTransport(Session session, URLName url, ConversationSocket socket, boolean startTls, boolean tlsRequired,
                   EhloDiscard discard, SmtpLog log) {
        super(session, url);
        this.socket = socket;
        this.tlsRequired = tlsRequired;
        this.discard = discard;
        this.log = log;
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

    // ---- smtp_discard_ehlo_keywords ----------------------------------------------------------

    @Override
    protected boolean ehlo(String domain) throws MessagingException {
        boolean ok = super.ehlo(domain);
        String line = discard.logLine();
        if (ok && line != null) {
            log.info(line);
        }
        return ok;
    }

    @Override
    public boolean supportsExtension(String ext) {
        return !discard.discards(ext) && super.supportsExtension(ext);
    }

    @Override
    public String getExtensionParameter(String ext) {
        return discard.discards(ext) ? null : super.getExtensionParameter(ext);
    }

    /** Whether this session pipelines: the server offers PIPELINING and the admin did not discard it. */
    boolean pipelining() {
        return supportsExtension("PIPELINING");
    }

    // ---- PIPELINING ----------------------------------------------------------------------------

    @Override
    public synchronized void sendMessage(Message m, Address[] addresses) throws MessagingException {
        message = m;
        recipients = addresses;
        pipelined = pipelining() && m instanceof QueuedMessage;
        refusals = null;
        try {
            super.sendMessage(m, addresses);
        } finally {
            message = null;
            recipients = null;
            refusals = null;
            body = null;
            bodyOut = null;
        }
    }

    @Override
    protected void mailFrom() throws MessagingException {
        if (!pipelined) {
            super.mailFrom();
        }
        // else MAIL FROM goes out with the recipients, in rcptTo()
    }

    @Override
    protected void rcptTo() throws MessagingException {
        if (!pipelined) {
            super.rcptTo();
            return;
        }
        String mail = "MAIL FROM:" + angleBrackets(((QueuedMessage) message).getEnvelopeFrom());
        String[] rcpt = new String[recipients.length];
        for (int i = 0; i < rcpt.length; i++) {
            rcpt[i] = "RCPT TO:" + angleBrackets(((InternetAddress) recipients[i]).getAddress());
        }
        socket.cork();
        boolean built = false;
        try {
            sendCommand(mail);
            for (String c : rcpt) {
                sendCommand(c);
            }
            sendCommand("DATA");
            built = true;
        } finally {
            if (!built) {
                socket.dropCorked();                     // a command Angus refused to send: send none of them
            }
        }
        try {
            socket.uncork();                             // the batch, in one write
        } catch (IOException e) {
            throw new MessagingException("Can't send command to SMTP host", e);
        }

        int code = readServerResponse();
        if (code != 250) {
            String reply = getLastServerResponse();
            if (code != 421 && code != -1) {
                skipReplies(rcpt.length);                // refused or not, the recipients are dead already
                endAbandonedData();
            }
            reset();
            throw new SMTPSendFailedException(mail, code, reply, null, null, recipients, null);
        }

        List<Address> valid = new ArrayList<>();
        List<Address> validUnsent = new ArrayList<>();
        List<Address> invalid = new ArrayList<>();
        MessagingException chain = null;
        for (int i = 0; i < rcpt.length; i++) {
            InternetAddress to = (InternetAddress) recipients[i];
            code = readServerResponse();
            String reply = getLastServerResponse();
            if (code == -1) {
                // the server hung up after the commands were sent: "lost connection ... while sending
                // RCPT TO", as Postfix says it; the recipients refused before keep their replies
                MessagingException lost = new MessagingException("Exception reading response",
                        new EOFException("no reply to " + rcpt[i]));
                if (chain == null) {
                    throw lost;
                }
                chain.setNextException(lost);
                throw new SendFailedException("Lost connection", chain, null, recipients, null);
            }
            // Angus's rcptTo() classification, with mail.smtp.sendpartial on
            if (code >= 200 && code <= 299) {
                valid.add(to);
                continue;
            }
            if (code == 552 || (code >= 400 && code <= 499)) {
                validUnsent.add(to);
            } else if (code >= 500 && code <= 599) {
                invalid.add(to);
            } else {
                // not a reply to RCPT at all: give up as Angus does
                skipReplies(rcpt.length - i - 1);
                endAbandonedData();
                reset();
                throw new SMTPAddressFailedException(to, rcpt[i], code, reply);
            }
            SMTPAddressFailedException refused = new SMTPAddressFailedException(to, rcpt[i], code, reply);
            if (chain == null) {
                chain = refused;
            } else {
                chain.setNextException(refused);
            }
        }
        accepted = valid.toArray(new Address[0]);
        refusedValid = validUnsent.toArray(new Address[0]);
        refusedInvalid = invalid.toArray(new Address[0]);

        if (valid.isEmpty()) {
            // nobody to send to: the DATA reply (503 or 554, or a 354 answered with a lone dot) changes nothing
            try {
                endAbandonedData();
            } catch (MessagingException e) {
                closeQuietly();                          // the refusals stand; the connection does not
            }
            reset();
            Address[] unsent = new Address[validUnsent.size()];
            throw new SendFailedException("Invalid Addresses", chain, null, validUnsent.toArray(unsent),
                    refusedInvalid);
        }
        refusals = chain;
        code = readServerResponse();
        if (code != 354) {
            String reply = getLastServerResponse();
            if (code != -1 && code != 421) {
                reset();
            }
            throw new SMTPSendFailedException("DATA", code, reply, refusals, null, unsent(), refusedInvalid);
        }
    }

    @Override
    protected OutputStream data() throws MessagingException {
        if (!pipelined) {
            return super.data();
        }
        try {
            bodyOut = new BufferedOutputStream(socket.getOutputStream(), 8192);
        } catch (IOException e) {
            throw new MessagingException("Can't send command to SMTP host", e);
        }
        body = new SMTPOutputStream(bodyOut);             // DATA went out with the envelope; 354 came
        return body;
    }

    @Override
    protected void finishData() throws IOException, MessagingException {
        if (!pipelined) {
            super.finishData();
            return;
        }
        body.ensureAtBOL();
        bodyOut.write(END_OF_DATA);                       // the body's last bytes and the dot in one write
        bodyOut.flush();
        int code = readServerResponse();
        String reply = getLastServerResponse();
        if (code != 250) {
            if (code != -1 && code != 421) {
                reset();
            }
            throw new SMTPSendFailedException(".", code, reply, refusals, null, unsent(), refusedInvalid);
        }
        if (refusals != null) {
            // as Angus after a partly refused transaction: sent to the accepted ones, the refusals chained
            throw new SMTPSendFailedException(".", code, reply, refusals, accepted, refusedValid, refusedInvalid);
        }
    }

    /** Reads and ignores the replies to {@code n} pipelined RCPT TO commands. */
    private void skipReplies(int n) throws MessagingException {
        for (int i = 0; i < n; i++) {
            if (readServerResponse() == -1) {
                return;
            }
        }
    }

    /**
     * Reads the reply to the pipelined DATA of a transaction that has nobody left to send to; if the
     * server accepted DATA all the same, ends it with a lone "." (RFC 2920) and reads that reply too.
     */
    private void endAbandonedData() throws MessagingException {
        if (readServerResponse() == 354) {
            sendCommand(".");
            readServerResponse();
        }
    }

    /**
     * RSET after a failed transaction, as Angus sends it (its reply is read and not judged). When that
     * fails the connection is closed, and the failure that made us reset is the one reported.
     */
    private void reset() {
        if (!socket.isClosed()) {
            try {
                issueCommand("RSET", -1);
            } catch (MessagingException e) {
                closeQuietly();
            }
        }
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing more to do with it
        }
    }

    /** Every recipient not sent to: the accepted ones (the transaction failed) and the 4xx ones. */
    private Address[] unsent() {
        Address[] all = new Address[accepted.length + refusedValid.length];
        System.arraycopy(accepted, 0, all, 0, accepted.length);
        System.arraycopy(refusedValid, 0, all, accepted.length, refusedValid.length);
        return all;
    }

    /** Angus's normalizeAddress: an address already in (or touching) angle brackets stays as it is. */
    private static String angleBrackets(String address) {
        return address.startsWith("<") || address.endsWith(">") ? address : "<" + address + ">";
    }
}
