package org.postrelay.bounce;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.eclipse.angus.mail.dsn.MultipartReport;
import org.postrelay.api.RelayException;
import org.postrelay.cleanup.Cleanup;
import org.postrelay.cleanup.Rfc5322Date;
import org.postrelay.config.Config;
import org.postrelay.config.Parameters;
import org.postrelay.master.Maillog;
import org.postrelay.queue.Envelope;
import org.postrelay.queue.QueueId;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Spool;

/**
 * Postfix's bounce: RFC 3464 delivery status notifications to the sender, from the null sender —
 * "failed" when recipients bounced or expired, "delayed" for {@code delay_warning_time}. The
 * original message is returned whole up to {@code bounce_size_limit}, else its headers only. A
 * message from the null sender is never bounced (no bounce of a bounce).
 */
public final class Bounce {

    private final Cleanup cleanup;
    private final Spool spool;
    private final Maillog maillog;
    private final String myhostname;
    private final String mailName;
    private final long bounceSizeLimit;
    private final Session session = Session.getInstance(new Properties());

    public Bounce(Config config, Cleanup cleanup, Spool spool, Maillog maillog) {
        this.cleanup = cleanup;
        this.spool = spool;
        this.maillog = maillog;
        this.myhostname = config.get(Parameters.MYHOSTNAME);
        this.mailName = config.get(Parameters.MAIL_NAME);
        this.bounceSizeLimit = config.size(Parameters.BOUNCE_SIZE_LIMIT);
    }

    /** Returns the message to its sender listing the recipients that failed (Action: failed). */
    public void returnToSender(Envelope envelope, List<FailedRecipient> failed) {
        notify(envelope, failed, Kind.FAILED, null);
    }

    /** Warns the sender that delivery is delayed and still being retried (Action: delayed). */
    public void warnSender(Envelope envelope, List<FailedRecipient> delayed, Instant retryUntil) {
        notify(envelope, delayed, Kind.DELAYED, retryUntil);
    }

    private enum Kind { FAILED, DELAYED }

    private void notify(Envelope envelope, List<FailedRecipient> recipients, Kind kind, Instant retryUntil) {
        QueueId id = envelope.id();
        if (envelope.sender().isEmpty()) {
            maillog.warning("bounce", id + ": not returning a " + (kind == Kind.FAILED ? "non-delivery" : "delay")
                    + " notification for a message from the null sender (no bounce of a bounce)");
            return;
        }
        try {
            byte[] notice = compose(envelope, recipients, kind, retryUntil);
            QueueId noticeId = cleanup.enqueue("", List.of(envelope.sender()), new ByteArrayInputStream(notice),
                    "bounce");
            maillog.log("bounce", id + ": sender " + (kind == Kind.FAILED ? "non-delivery" : "delay")
                    + " notification: " + noticeId);
        } catch (RelayException | IOException | MessagingException e) {
            maillog.warning("bounce", id + ": cannot return a notification to <" + envelope.sender() + ">: "
                    + e.getMessage());
        }
    }

    private byte[] compose(Envelope envelope, List<FailedRecipient> recipients, Kind kind, Instant retryUntil)
            throws MessagingException, IOException {
        DeliveryStatus status = new DeliveryStatus();
        InternetHeaders perMessage = status.getMessageDSN();
        perMessage.setHeader("Reporting-MTA", "dns; " + myhostname);
        perMessage.setHeader("X-Postfix-Queue-ID", envelope.id().toString());
        perMessage.setHeader("X-Postfix-Sender", "rfc822; " + envelope.sender());
        perMessage.setHeader("Arrival-Date", Rfc5322Date.format(envelope.arrival()));
        StringBuilder text = new StringBuilder(kind == Kind.FAILED ? failedPreamble() : delayedPreamble());
        for (FailedRecipient r : recipients) {
            InternetHeaders perRecipient = new InternetHeaders();
            perRecipient.setHeader("Final-Recipient", "rfc822; " + r.address());
            perRecipient.setHeader("Action", kind == Kind.FAILED ? "failed" : "delayed");
            perRecipient.setHeader("Status", r.dsn());
            if (r.remoteMta() != null) {
                perRecipient.setHeader("Remote-MTA", "dns; " + hostOf(r.remoteMta()));
            }
            perRecipient.setHeader("Diagnostic-Code", oneLine(r.diagnosticCode()));
            if (retryUntil != null) {
                perRecipient.setHeader("Will-Retry-Until", Rfc5322Date.format(retryUntil));
            }
            status.addRecipientDSN(perRecipient);
            text.append('<').append(r.address()).append(">: ").append(oneLine(r.text())).append("\n");
        }
        MultipartReport report = original(envelope, text.toString(), status);
        MimeMessage notice = new MimeMessage(session) {
            @Override
            protected void updateMessageID() {
                // cleanup adds a Message-ID with myhostname
            }
        };
        notice.setFrom(new InternetAddress("MAILER-DAEMON@" + myhostname, "Mail Delivery System"));
        notice.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(envelope.sender()));
        notice.setSubject(kind == Kind.FAILED ? "Undelivered Mail Returned to Sender"
                : "Delayed Mail (still being retried)");
        notice.setHeader("Auto-Submitted", "auto-replied");
        notice.setContent(report);
        notice.saveChanges();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        notice.writeTo(bytes);
        return bytes.toByteArray();
    }

    /** The returned message: whole when within bounce_size_limit, else its headers. */
    private MultipartReport original(Envelope envelope, String text, DeliveryStatus status)
            throws MessagingException, IOException {
        try (InputStream content = spool.openContent(QueueName.ACTIVE, envelope)) {
            if (envelope.contentLength() <= bounceSizeLimit) {
                return new MultipartReport(text, status, new MimeMessage(session, content));
            }
            return new MultipartReport(text, status, new InternetHeaders(content));
        }
    }

    private String failedPreamble() {
        return "This is the mail system at host " + myhostname + ".\n\n"
                + "I'm sorry to have to inform you that your message could not\n"
                + "be delivered to one or more recipients. It's attached below.\n\n"
                + "For further assistance, please send mail to postmaster.\n\n"
                + "If you do so, please include this problem report. You can\n"
                + "delete your own text from the attached returned message.\n\n"
                + "                   The " + mailName + " program\n\n";
    }

    private String delayedPreamble() {
        return "This is the mail system at host " + myhostname + ".\n\n"
                + "####################################################################\n"
                + "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
                + "####################################################################\n\n"
                + "Your message could not be delivered for some time.\n"
                + "It will be retried until it is too old; the recipients are listed below.\n\n"
                + "                   The " + mailName + " program\n\n";
    }

    private static String hostOf(String relay) {
        int bracket = relay.indexOf('[');
        return bracket > 0 ? relay.substring(0, bracket) : relay;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\r\\n]+", " ").strip();
    }
}
