package org.postrelay.cleanup;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.postrelay.api.MessageRejectedException;
import org.postrelay.api.TemporaryFailureException;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.Parameters;
import org.postrelay.local.LocalTransport;
import org.postrelay.master.Maillog;
import org.postrelay.queue.QueueId;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Spool;
import org.postrelay.queue.SpoolWriter;

/**
 * Postfix's cleanup: checks and canonicalises one submitted message and writes it to the spool.
 * Qualifies bare addresses with {@code myorigin}, decides per recipient (relay, local, or reject),
 * adds missing {@code From}, {@code Date} and {@code Message-ID} and a {@code Received} line,
 * removes {@code Bcc}, enforces {@code message_size_limit}, and returns the queue id only once the
 * message is durable.
 */
public final class Cleanup {

    private static final byte[] CRLF = {'\r', '\n'};

    private final Spool spool;
    private final Addresses addresses;
    private final AddressResolver resolver;
    private final LocalTransport localTransport;
    private final Maillog maillog;
    private final Consumer<QueueId> onQueued;
    private final Clock clock;
    private final String myhostname;
    private final String mailName;
    private final long messageSizeLimit;
    private final long headerSizeLimit;
    private final Duration delayWarningTime;

    public Cleanup(Config config, Spool spool, LocalTransport localTransport, Maillog maillog,
                   Consumer<QueueId> onQueued, Clock clock) {
        this.spool = spool;
        this.addresses = new Addresses(config.get(Parameters.MYORIGIN), config.bool(Parameters.APPEND_AT_MYORIGIN));
        this.resolver = new AddressResolver(config);
        this.localTransport = localTransport;
        this.maillog = maillog;
        this.onQueued = onQueued;
        this.clock = clock;
        this.myhostname = config.get(Parameters.MYHOSTNAME);
        this.mailName = config.get(Parameters.MAIL_NAME);
        this.messageSizeLimit = config.size(Parameters.MESSAGE_SIZE_LIMIT);
        this.headerSizeLimit = config.size(Parameters.HEADER_SIZE_LIMIT);
        this.delayWarningTime = config.time(Parameters.DELAY_WARNING_TIME);
    }

    /**
     * Queues one message. The stream is read to its end (or to the size limit) and not closed.
     *
     * @param origin who submitted it, for the {@code Received} line ("api", "sendmail", ...)
     * @return the queue id, once the message is durable
     */
    public QueueId enqueue(String sender, Collection<String> recipients, InputStream content, String origin)
            throws MessageRejectedException, TemporaryFailureException {
        QueueId id = write(QueueName.INCOMING, sender, recipients, content, origin, null, Map.of("origin", origin),
                created -> { });
        onQueued.accept(id);
        return id;
    }

    /**
     * Queues one message received by smtpd: the {@code Received} header names the SMTP client, as
     * Postfix's smtpd writes it, and {@code onCreated} hears the queue id as soon as the queue file
     * exists (before the content is read), when Postfix's smtpd logs {@code ID: client=...}.
     *
     * @return the queue id, once the message is durable
     */
    public QueueId enqueue(String sender, Collection<String> recipients, InputStream content, SmtpClientOrigin client,
                           Consumer<QueueId> onCreated) throws MessageRejectedException, TemporaryFailureException {
        QueueId id = write(QueueName.INCOMING, sender, recipients, content, "smtpd", client,
                Map.of("origin", "smtpd"), onCreated);
        onQueued.accept(id);
        return id;
    }

    /**
     * Writes one message of an undecided transaction to prepared/: durable on return, but invisible
     * to qmgr until the transaction commits ({@code Spool.commitPrepared}).
     *
     * @param transaction the transaction branch, kept in the queue file for recovery
     */
    public QueueId prepare(String sender, Collection<String> recipients, InputStream content, String origin,
                           String transaction) throws MessageRejectedException, TemporaryFailureException {
        return write(QueueName.PREPARED, sender, recipients, content, origin, null,
                Map.of("origin", origin, TRANSACTION_ATTRIBUTE, transaction), created -> { });
    }

    /** The queue file attribute naming the transaction branch of a prepared message. */
    public static final String TRANSACTION_ATTRIBUTE = "xid";

    private QueueId write(QueueName target, String sender, Collection<String> recipients, InputStream content,
                          String origin, SmtpClientOrigin client, Map<String, String> attributes,
                          Consumer<QueueId> onCreated) throws MessageRejectedException, TemporaryFailureException {
        String envelopeSender = addresses.sender(sender);
        List<String> envelopeRecipients = canonicalRecipients(recipients);
        Instant arrival = clock.instant();
        Instant nextWarning = delayWarningTime.isZero() ? null : arrival.plus(delayWarningTime);
        SpoolWriter writer;
        try {
            writer = spool.create(target, envelopeSender, envelopeRecipients, attributes, arrival, nextWarning);
        } catch (IOException e) {
            throw spoolFailure(e);
        }
        try (writer) {
            onCreated.accept(writer.id());
            String messageId = writeContent(writer, envelopeSender, envelopeRecipients, content, origin, client,
                    arrival);
            QueueId id = writer.commit();
            maillog.log("cleanup", id + ": message-id=" + messageId);
            return id;
        } catch (IOException e) {
            throw spoolFailure(e);
        }
    }

    private TemporaryFailureException spoolFailure(IOException e) {
        return new TemporaryFailureException("cannot queue the message: " + e.getMessage()
                + " (check that queue_directory " + spool.directory() + " is writable and has space)", e);
    }

    private List<String> canonicalRecipients(Collection<String> recipients)
            throws MessageRejectedException, TemporaryFailureException {
        if (recipients == null || recipients.isEmpty()) {
            throw new MessageRejectedException("message has no recipients: give at least one (To, Cc or Bcc)");
        }
        Set<String> unique = new LinkedHashSet<>();          // Postfix drops duplicate recipients
        List<String> undeliverable = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String raw : recipients) {
            String recipient = addresses.recipient(raw);
            if (resolver.isLocal(recipient)) {
                if (localTransport.rejectsAtSubmission()) {
                    undeliverable.add(recipient);
                } else {
                    unknownLocalUser(recipient).ifPresent(unknown::add);
                }
            }
            unique.add(recipient);
        }
        if (!undeliverable.isEmpty()) {
            throw new MessageRejectedException("recipient " + String.join(", ", undeliverable)
                    + " is in mydestination but " + localTransport.describe()
                    + ": remove it from mydestination or address it elsewhere");
        }
        if (!unknown.isEmpty()) {
            throw new MessageRejectedException(String.join("; ", unknown));
        }
        return List.copyOf(unique);
    }

    /** Postfix's smtpd local_recipient_maps check: the rejection of an unknown local user, if it is one. */
    private Optional<String> unknownLocalUser(String recipient) throws TemporaryFailureException {
        try {
            return localTransport.unknownRecipient(recipient);
        } catch (ConfigException e) {
            throw new TemporaryFailureException("451 4.3.0 <" + recipient + ">: Temporary lookup failure: "
                    + e.getMessage() + " (try again later)", e);
        }
    }

    /** Writes headers (canonicalised) and body (CRLF line ends); returns the Message-ID. */
    private String writeContent(SpoolWriter writer, String sender, List<String> recipients, InputStream raw,
                                String origin, SmtpClientOrigin client, Instant arrival)
            throws IOException, MessageRejectedException {
        // header lines are read byte by byte: buffer the stream unless it is in memory already
        InputStream in = raw instanceof BufferedInputStream || raw instanceof ByteArrayInputStream ? raw
                : new BufferedInputStream(raw, 8192);
        HeaderSection headers = HeaderSection.read(in, headerSizeLimit);
        SizeLimitedOutputStream limited = new SizeLimitedOutputStream(writer.content(), messageSizeLimit);
        OutputStream out = limited;                    // the spool writer buffers
        try {
            QueueId id = writer.id();
            String date = Rfc5322Date.format(arrival);
            String forClause = recipients.size() == 1 ? "\r\n\tfor <" + recipients.get(0) + ">" : "";
            if (client == null) {
                writeField(out, "Received: by " + myhostname + " (" + mailName + ", from " + origin + ")\r\n\tid "
                        + id + forClause + "; " + date);
            } else {                                          // Postfix's smtpd form
                writeField(out, "Received: " + client.fromClause() + "\r\n\tby " + myhostname + " (" + mailName
                        + ") with " + client.protocol() + " id " + id + forClause + "; " + date);
            }
            String messageId = null;
            for (HeaderSection.Field field : headers.fields()) {
                if (field.is("Bcc") || field.is("Resent-Bcc")) {
                    continue;                                 // never on the wire
                }
                if (field.is("Message-ID")) {
                    messageId = field.text().substring(field.name().length() + 1).strip();
                }
                writeField(out, field.text());
            }
            if (!headers.has("From")) {
                writeField(out, "From: " + (sender.isEmpty() ? "MAILER-DAEMON@" + myhostname : sender));
            }
            if (!headers.has("Date")) {
                writeField(out, "Date: " + date);
            }
            if (messageId == null) {
                messageId = "<" + Rfc5322Date.compact(arrival) + "." + id + "@" + myhostname + ">";
                writeField(out, "Message-ID: " + messageId);
            }
            out.write(CRLF);
            if (headers.firstBodyLine() != null) {
                CrlfCopy.copy(new ByteArrayInputStream(headers.firstBodyLine()), out, false);
            }
            CrlfCopy.copy(in, out, true);
            out.flush();
            return messageId;
        } catch (SizeLimitedOutputStream.LimitExceeded e) {
            throw new MessageTooLargeException("message size exceeds message_size_limit (" + messageSizeLimit
                    + " bytes): send less, or raise message_size_limit");
        }
    }

    private static void writeField(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.write(CRLF);
    }
}
