package org.postrelay.demo;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.postrelay.api.RelayConnection;
import org.postrelay.master.Master;
import org.postrelay.testing.ScriptedSmtpServer;

/**
 * The README's demo: an embedded engine relaying to an SMTP server on loopback. Sends three
 * messages through the public API (one with a Bcc, one raw with a bare sender name), waits until
 * the server has them, and prints what arrived and the mail log.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("postrelay-demo");
        Path maillog = work.resolve("maillog");
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start();
             Master master = Master.start(Map.of(
                     "relayhost", relay.relayhost(),
                     "myhostname", "app.example.com",
                     "myorigin", "example.com",
                     "queue_directory", work.resolve("spool").toString(),
                     "maillog_file", maillog.toString()))) {
            System.out.println("Relay (an SMTP server on loopback): " + relay.relayhost());
            System.out.println("Spool: " + work.resolve("spool"));
            Session session = Session.getInstance(new Properties());
            try (RelayConnection connection = master.connectionFactory().getConnection()) {
                MimeMessage message = new MimeMessage(session);
                message.setFrom(new InternetAddress("orders@example.com"));
                message.setRecipients(MimeMessage.RecipientType.TO, "alice@example.org");
                message.setRecipients(MimeMessage.RecipientType.BCC, "audit@example.org");
                message.setSubject("Your order has shipped");
                message.setText("Hello Alice,\n\nyour order is on its way.\n");
                System.out.println("send(MimeMessage)          -> queue id " + connection.send(message));

                String raw = "Subject: Nightly report\n\nAll jobs finished.\n";
                System.out.println("send(sender, rcpts, bytes) -> queue id " + connection.send("batch",
                        List.of("ops@example.org"), new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
            }
            List<ScriptedSmtpServer.ReceivedMessage> received = relay.awaitMessages(2, Duration.ofSeconds(30));
            System.out.println();
            for (ScriptedSmtpServer.ReceivedMessage m : received) {
                System.out.println("=== arrived at the relay: MAIL FROM:<" + m.sender() + "> RCPT TO:" + m.recipients());
                System.out.println(m.text());
            }
        }
        System.out.println("=== mail log (" + maillog + ")");
        System.out.print(Files.readString(maillog));
    }
}
