package org.postrelay.example.ejb;

import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import org.postrelay.api.MessageRejectedException;
import org.postrelay.api.RelayAdmin;
import org.postrelay.api.RelayConnection;
import org.postrelay.api.RelayConnectionFactory;
import org.postrelay.api.RelayException;

/**
 * Sends mail through the Postrelay resource adapter inside a container-managed transaction: the
 * message is queued when the transaction commits, and never when it rolls back.
 */
@Stateless
public class MailService {

    @Resource(lookup = "java:/eis/postrelay/RelayConnectionFactory")
    private RelayConnectionFactory factory;

    @Resource
    private SessionContext context;

    /**
     * Sends a plain-text message; it is handed to the relay's queue manager when the surrounding
     * (or this method's own) transaction commits.
     *
     * @param to one or more recipients, separated by commas
     * @return the queue id, as the mail log and {@link #queue()} show it
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public String send(String from, String to, String subject, String text) throws RelayException {
        return submit(from, to, subject, text);
    }

    /**
     * Sends like {@link #send} and then marks the transaction for rollback: the relay discards the
     * message, so it is neither delivered nor queued. Returns the queue id it had while prepared.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public String sendThenRollBack(String from, String to, String subject, String text) throws RelayException {
        String queueId = submit(from, to, subject, text);
        context.setRollbackOnly();
        return queueId;
    }

    /** What is still queued, as {@code mailq} lists it. No transaction: it only reads. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public List<RelayAdmin.QueuedMessage> queue() throws RelayException {
        try (RelayConnection connection = factory.getConnection()) {
            return new ArrayList<>(connection.unwrap(RelayAdmin.class).queue());
        }
    }

    /** The latest delivery attempts, newest first. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public List<RelayAdmin.Delivery> recentDeliveries(int max) throws RelayException {
        try (RelayConnection connection = factory.getConnection()) {
            return new ArrayList<>(connection.unwrap(RelayAdmin.class).recentDeliveries(max));
        }
    }

    private String submit(String from, String to, String subject, String text) throws RelayException {
        List<String> recipients = new ArrayList<>();
        InternetAddress sender;
        byte[] rfc822;
        try {
            if (from == null || from.isBlank()) {
                throw new MessageRejectedException("no sender given");
            }
            // Not strict: bare names are allowed, the relay qualifies them with myorigin.
            sender = new InternetAddress(from.trim(), false);
            InternetAddress[] rcpts = InternetAddress.parse(to == null ? "" : to, false);
            if (rcpts.length == 0) {
                throw new MessageRejectedException("no recipient given");
            }
            for (InternetAddress rcpt : rcpts) {
                recipients.add(rcpt.getAddress());
            }
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom(sender);
            message.setRecipients(MimeMessage.RecipientType.TO, rcpts);
            message.setSubject(subject == null ? "" : subject, "UTF-8");
            message.setText(text == null ? "" : text, "UTF-8");
            message.setSentDate(new Date());
            message.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            rfc822 = out.toByteArray();
        } catch (AddressException e) {
            throw new MessageRejectedException("bad address: " + e.getMessage(), e);
        } catch (MessagingException | IOException e) {
            throw new MessageRejectedException("cannot build the message: " + e.getMessage(), e);
        }
        try (RelayConnection connection = factory.getConnection()) {
            return connection.send(sender.getAddress(), recipients, new ByteArrayInputStream(rfc822));
        }
    }
}
