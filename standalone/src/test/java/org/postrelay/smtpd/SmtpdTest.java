package org.postrelay.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** smtpd in front of a real engine relaying to a real SMTP sink, driven by real clients. */
class SmtpdTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String LOCALHOST = ClientNames.fromHostsFile(ClientNames.HOSTS)
            .nameOf(IpLiterals.parse("127.0.0.1"));

    @TempDir
    Path dir;

    private Sink sink;

    @BeforeEach
    void startSink() throws Exception {
        sink = new Sink();
    }

    @AfterEach
    void stopSink() {
        sink.close();
    }

    @Test
    void aMessageFromAngusMailShouldReachTheSinkAndTheReplyShouldCarryTheLoggedQueueId() throws Exception {
        try (Relay relay = Relay.start(dir, sink, Map.of())) {
            Properties props = new Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", Integer.toString(relay.port()));
            props.put("mail.smtp.localhost", "client.example");
            Session session = Session.getInstance(props);
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress("app@example.com"));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress("someone@example.net"));
            message.setSubject("hello");
            message.setText("first line\n.a line that starts with a dot\n..two dots\nlast\n");
            String reply;
            try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
                transport.connect();
                transport.sendMessage(message, message.getAllRecipients());
                reply = transport.getLastServerResponse().strip();
            }
            Matcher m = Pattern.compile("250 2\\.0\\.0 Ok: queued as (\\w+)").matcher(reply);
            assertTrue(m.matches(), reply);
            String id = m.group(1);

            Sink.Message arrived = sink.await(1, WAIT).get(0);
            assertEquals("app@example.com", arrived.from());
            assertEquals(List.of("someone@example.net"), arrived.to());
            assertTrue(arrived.content().contains("\r\n.a line that starts with a dot\r\n..two dots\r\nlast\r\n"),
                    arrived.content());
            assertTrue(arrived.content().startsWith("Received: from client.example (" + LOCALHOST
                    + " [127.0.0.1])\r\n\tby " + Relay.MYHOSTNAME + " (Postrelay) with ESMTP id " + id
                    + "\r\n\tfor <someone@example.net>; "), arrived.content());

            relay.await("the session is logged", WAIT, () -> relay.maillog().contains("disconnect from"));
            String log = relay.maillog();
            assertTrue(log.contains("postrelay/smtpd[" + ProcessHandle.current().pid() + "]: connect from " + LOCALHOST
                    + "[127.0.0.1]\n"), log);
            assertTrue(log.contains("/smtpd[" + ProcessHandle.current().pid() + "]: " + id + ": client=" + LOCALHOST
                    + "[127.0.0.1]\n"), log);
            assertTrue(log.indexOf(id + ": client=") < log.indexOf(id + ": message-id="), log);
            assertTrue(log.contains("disconnect from " + LOCALHOST + "[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1"
                    + " commands=5\n"), log);
        }
    }

    @Test
    void pipelinedCommandsShouldBeAnsweredInOrder() throws Exception {
        try (Relay relay = Relay.start(dir, sink, Map.of()); SmtpTalk c = new SmtpTalk(relay.address())) {
            assertEquals("220 " + Relay.MYHOSTNAME + " ESMTP Postrelay", c.reply());
            assertTrue(c.command("EHLO client.example").contains("\n250-PIPELINING\n"));
            c.send("MAIL FROM:<a@example.com>\r\nRCPT TO:<one@example.net>\r\nRCPT TO:<two@example.net>\r\n"
                    + "DATA\r\nSubject: pipelined\r\n\r\nbody\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<three@example.net>\r\n"
                    + "DATA\r\nSubject: second\r\n\r\n.\r\nQUIT\r\n");
            assertEquals("250 2.1.0 Ok", c.reply());
            assertEquals("250 2.1.5 Ok", c.reply());
            assertEquals("250 2.1.5 Ok", c.reply());
            assertEquals("354 End data with <CR><LF>.<CR><LF>", c.reply());
            assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as "));
            assertEquals("250 2.1.0 Ok", c.reply());
            assertEquals("250 2.1.5 Ok", c.reply());
            assertEquals("354 End data with <CR><LF>.<CR><LF>", c.reply());
            assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as "));
            assertEquals("221 2.0.0 Bye", c.reply());
            assertNull(c.reply());
            List<Sink.Message> got = sink.await(2, WAIT);
            Sink.Message first = got.stream().filter(m -> m.content().contains("pipelined")).findFirst().orElseThrow();
            assertEquals(List.of("one@example.net", "two@example.net"), first.to());
            Sink.Message bounce = got.stream().filter(m -> m.content().contains("second")).findFirst().orElseThrow();
            assertEquals("", bounce.from());                     // MAIL FROM:<> stays the null sender
        }
    }

    @Test
    void smtpSourceWithFiveSessionsShouldGetEveryMessageThrough() throws Exception {
        Path smtpSource = Path.of("/usr/sbin/smtp-source");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(smtpSource),
                "Postfix's smtp-source is not installed");
        try (Relay relay = Relay.start(dir, sink, Map.of())) {
            Process p = new ProcessBuilder(smtpSource.toString(), "-s", "5", "-m", "50", "-l", "1024",
                    "-f", "source@example.com", "-t", "sink@example.net", "127.0.0.1:" + relay.port())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), output);
            List<Sink.Message> got = sink.await(50, WAIT);
            assertEquals(50, got.size());
            assertTrue(got.stream().allMatch(m -> m.to().equals(List.of("sink@example.net"))));
            relay.await("the queue is empty", WAIT, () -> relay.queued() == 0);
            assertEquals(50, Pattern.compile(": client=" + Pattern.quote(LOCALHOST + "[127.0.0.1]"))
                    .matcher(relay.maillog()).results().count());
        }
    }

    @Test
    void aClientOutsideMynetworksShouldBeRefusedAndNothingQueued() throws Exception {
        InetAddress other = IpLiterals.parse("127.0.0.2");
        String name = ClientNames.fromHostsFile(ClientNames.HOSTS).nameOf(other);
        try (Relay relay = Relay.start(dir, sink, Map.of("mynetworks", "127.0.0.1/32"))) {
            try (SmtpTalk c = new SmtpTalk(relay.address(), other)) {
                c.reply();
                c.command("EHLO outsider.example");
                assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<a@example.com>"));
                assertEquals("554 5.7.1 <x@example.net>: Relay access denied", c.command("RCPT TO:<x@example.net>"));
                assertEquals("503 5.5.1 Error: need RCPT command", c.command("DATA"));
                assertEquals("221 2.0.0 Bye", c.command("QUIT"));
            }
            // The same refusal through Angus Mail's client, bound to 127.0.0.2 too.
            Properties props = new Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", Integer.toString(relay.port()));
            props.put("mail.smtp.localaddress", "127.0.0.2");
            Session session = Session.getInstance(props);
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress("a@example.com"));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress("y@example.org"));
            message.setText("not relayed");
            SendFailedException e = assertThrows(SendFailedException.class, () -> {
                try (SMTPTransport t = (SMTPTransport) session.getTransport("smtp")) {
                    t.connect();
                    t.sendMessage(message, message.getAllRecipients());
                }
            });
            assertTrue(String.valueOf(e.getNextException()).contains("554 5.7.1 <y@example.org>: Relay access denied"),
                    String.valueOf(e.getNextException()));

            relay.await("both sessions are logged", WAIT,
                    () -> relay.maillog().split("disconnect from " + Pattern.quote(name), -1).length == 3);
            String log = relay.maillog();
            assertTrue(log.contains("smtpd[" + ProcessHandle.current().pid() + "]: NOQUEUE: reject: RCPT from " + name
                    + "[127.0.0.2]: 554 5.7.1 <x@example.net>: Relay access denied; from=<a@example.com>"
                    + " to=<x@example.net> proto=ESMTP helo=<outsider.example>\n"), log);
            assertEquals(0, relay.queued());
            assertEquals(0, relay.master().spool().count(org.postrelay.queue.QueueName.INCOMING));
            assertTrue(sink.messages().isEmpty());
        }
    }

    /**
     * Listening on every address (inet_interfaces = all), a client outside mynetworks still relays
     * nothing, whatever the recipient's form: a plain remote domain, the percent hack, a source
     * route, a quoted local part hiding an @, an address with two @ (Postfix's open-relay checks).
     * The server listens on the wildcard address, but every packet stays on loopback.
     */
    @Test
    void noOpenRelayWhenListeningOnAllAddresses() throws Exception {
        InetAddress outsider = IpLiterals.parse("127.0.0.2");
        try (Relay relay = Relay.start(dir, sink, Map.of("inet_interfaces", "all", "inet_protocols", "ipv4",
                "mynetworks", "127.0.0.1/32"))) {
            assertEquals(List.of("0.0.0.0"), relay.smtpd().localAddresses().stream()
                    .map(a -> IpLiterals.text(a.getAddress())).toList());
            java.net.InetSocketAddress server = new java.net.InetSocketAddress(outsider, relay.port());
            List<String> tricks = List.of("<x@example.net>", "<x%example.net@relay.example.com>",
                    "<@relay.example.com:x@example.net>", "<\"x@example.net\"@relay.example.com>",
                    "<x@example.net@relay.example.com>", "<x@[192.0.2.1]>", "<example.net!x@relay.example.com>",
                    "<postmaster>");
            try (SmtpTalk c = new SmtpTalk(server, outsider)) {
                c.reply();
                c.command("EHLO outsider.example");
                assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<a@example.com>"));
                for (String rcpt : tricks) {
                    String reply = c.command("RCPT TO:" + rcpt);
                    assertTrue(reply.startsWith("5"), "RCPT TO:" + rcpt + " from outside mynetworks: " + reply);
                }
                assertTrue(c.command("DATA").startsWith("503 "), "no recipient, no DATA");
                assertEquals("221 2.0.0 Bye", c.command("QUIT"));
            }
            // the control: from inside mynetworks, through the same wildcard listener, relaying works
            try (SmtpTalk c = new SmtpTalk(new java.net.InetSocketAddress("127.0.0.1", relay.port()))) {
                c.reply();
                c.command("EHLO insider.example");
                assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<a@example.com>"));
                assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<x@example.net>"));
                assertEquals("221 2.0.0 Bye", c.command("QUIT"));
            }
            assertEquals(0, relay.queued());
            assertTrue(sink.messages().isEmpty());
        }
    }

    @Test
    void aTooLargeMessageShouldGet552AndTheSessionGoOn() throws Exception {
        try (Relay relay = Relay.start(dir, sink, Map.of("message_size_limit", "2000"));
             SmtpTalk c = new SmtpTalk(relay.address())) {
            c.reply();
            assertTrue(c.command("EHLO client.example").contains("\n250-SIZE 2000\n"));
            assertEquals("552 5.3.4 Message size exceeds fixed limit", c.command("MAIL FROM:<a@example.com> SIZE=5000"));
            assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<a@example.com> SIZE=1000 BODY=8BITMIME"));
            assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<b@example.net>"));
            assertEquals("354 End data with <CR><LF>.<CR><LF>", c.command("DATA"));
            c.send("Subject: big\r\n\r\n" + ("x".repeat(70) + "\r\n").repeat(80));
            assertEquals("552 5.3.4 Message size exceeds fixed limit", c.command("."));
            assertEquals("250 2.0.0 Ok", c.command("NOOP"));           // the rest was read off the wire
            assertEquals("503 5.5.1 Error: need MAIL command", c.command("RCPT TO:<b@example.net>"));
            assertEquals("221 2.0.0 Bye", c.command("QUIT"));
            assertEquals(0, relay.queued());
            relay.await("the reject is logged", WAIT, () -> relay.maillog().contains("disconnect from"));
            assertTrue(relay.maillog().contains(": reject: END-OF-MESSAGE from " + LOCALHOST
                    + "[127.0.0.1]: 552 5.3.4 Message size exceeds fixed limit; from=<a@example.com>"), relay.maillog());
        }
        assertTrue(sink.messages().isEmpty());
    }

    @Test
    void ehloShouldListTheKeywordsAndOtherCommandsShouldGetPostfixsReplies() throws Exception {
        try (Relay relay = Relay.start(dir, sink, Map.of("smtpd_recipient_limit", "2"));
             SmtpTalk c = new SmtpTalk(relay.address())) {
            assertEquals("220 relay.example.com ESMTP Postrelay", c.reply());
            assertEquals("""
                    250-relay.example.com
                    250-PIPELINING
                    250-SIZE 10240000
                    250-VRFY
                    250-ENHANCEDSTATUSCODES
                    250 8BITMIME""", c.command("EHLO client.example"));
            assertEquals("502 5.5.2 Error: command not recognized", c.command("DATAX"));
            assertEquals("502 5.5.2 Error: command not recognized", c.command("HELP"));
            assertEquals("503 5.5.1 Error: authentication not enabled", c.command("AUTH PLAIN"));
            assertEquals("502 5.5.1 Error: command not implemented", c.command("STARTTLS"));
            assertEquals("503 5.5.1 Error: need MAIL command", c.command("RCPT TO:<b@example.net>"));
            assertEquals("503 5.5.1 Error: need MAIL command", c.command("DATA"));
            assertEquals("501 5.5.4 Syntax: MAIL FROM:<address>", c.command("MAIL TO:<a@example.com>"));
            assertEquals("501 5.1.7 Bad sender address syntax", c.command("MAIL FROM:<a b@@example.com>"));
            assertEquals("555 5.5.4 Unsupported option: RET=HDRS", c.command("MAIL FROM:<a@example.com> RET=HDRS"));
            assertEquals("250 2.1.0 Ok", c.command("MAIL FROM: a@example.com"));
            assertEquals("503 5.5.1 Error: nested MAIL command", c.command("MAIL FROM:<a@example.com>"));
            assertEquals("501 5.1.3 Bad recipient address syntax", c.command("RCPT TO:<>"));
            assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<b@example.net>"));
            assertEquals("250 2.1.5 Ok", c.command("rcpt to:<c@example.net>"));
            assertEquals("452 4.5.3 Error: too many recipients", c.command("RCPT TO:<d@example.net>"));
            assertEquals("250 2.0.0 Ok", c.command("RSET"));
            assertEquals("252 2.0.0 b@example.net", c.command("VRFY b@example.net"));
            assertEquals("250 2.0.0 Ok", c.command("NOOP"));
            assertEquals("250 relay.example.com", c.command("HELO old.example"));
            assertEquals("221 2.0.0 Bye", c.command("QUIT"));
            relay.await("the session is logged", WAIT, () -> relay.maillog().contains("disconnect from"));
            assertTrue(relay.maillog().contains("disconnect from " + LOCALHOST + "[127.0.0.1] helo=1 ehlo=1"
                    + " starttls=0/1 auth=0/1 mail=1/5 rcpt=2/5 data=0/1 rset=1 noop=1 vrfy=1 quit=1 unknown=0/2"
                    + " commands=9/21\n"), relay.maillog());
        }
    }

    @Test
    void masterCfShouldGiveTheAddressPortAndOverrides() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, IpLiterals.parse("127.0.0.1"))) {
            port = probe.getLocalPort();                             // free now, so very likely free below
        }
        java.nio.file.Files.writeString(dir.resolve("master.cf"), "# Postfix syntax\n127.0.0.1:" + port
                + " inet n - n - - smtpd\n  -o { smtpd_banner = $myhostname ESMTP from master.cf }\n"
                + "pickup unix n - n 60 1 pickup\n");
        Map<String, String> p = Map.of("relayhost", sink.relayhost(), "myhostname", Relay.MYHOSTNAME,
                "queue_directory", dir.resolve("spool").toString(), "config_directory", dir.toString(),
                "inet_interfaces", "all");
        try (org.postrelay.master.Master master = org.postrelay.master.Master.start(p)) {
            Smtpd smtpd = Smtpd.fromMasterCf(master.config(), master.submission(), master.maillog());
            smtpd.start();
            try (SmtpTalk c = new SmtpTalk(new java.net.InetSocketAddress("127.0.0.1", port))) {
                assertEquals(List.of(new java.net.InetSocketAddress(IpLiterals.parse("127.0.0.1"), port)),
                        smtpd.localAddresses());                       // the host of the line, not "all"
                assertEquals("220 " + Relay.MYHOSTNAME + " ESMTP from master.cf", c.reply());
                assertEquals("221 2.0.0 Bye", c.command("QUIT"));
            } finally {
                smtpd.close();
            }
        }
    }

    @Test
    void loopbackOnlyShouldListenOnBothLoopbackAddresses() throws Exception {
        try (Relay relay = Relay.start(dir, sink, Map.of("inet_interfaces", "loopback-only"))) {
            List<java.net.InetSocketAddress> bound = relay.smtpd().localAddresses();
            assertEquals("127.0.0.1", IpLiterals.text(bound.get(0).getAddress()));
            org.junit.jupiter.api.Assumptions.assumeTrue(bound.size() == 2, "no IPv6 loopback on this host");
            assertEquals("::1", IpLiterals.text(bound.get(1).getAddress()));
            try (SmtpTalk c = new SmtpTalk(bound.get(1))) {
                assertTrue(c.reply().startsWith("220 "));
                assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<a@example.com>"));
                assertEquals("250 2.1.5 Ok", c.command("RCPT TO:<b@example.net>"));   // ::1 is in mynetworks
            }
        }
    }

    @Test
    void aBusyPortShouldFailTheStartNamingTheAddress() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, IpLiterals.parse("127.0.0.1"));
             org.postrelay.master.Master master = org.postrelay.master.Master.start(Map.of(
                     "queue_directory", dir.resolve("spool").toString(), "inet_interfaces", "127.0.0.1"))) {
            Smtpd smtpd = Smtpd.onPort(master.config(), taken.getLocalPort(), master.submission(), master.maillog());
            java.io.IOException e = assertThrows(java.io.IOException.class, smtpd::start);
            assertTrue(e.getMessage().startsWith("smtpd: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "),
                    e.getMessage());
            smtpd.close();
        }
    }

    @Test
    void theSessionLimitShouldAnswer421() throws Exception {
        try (Relay relay = Relay.start(dir, sink, Map.of("default_process_limit", "1"));
             SmtpTalk first = new SmtpTalk(relay.address())) {
            assertTrue(first.reply().startsWith("220 "));              // admitted before the second comes
            try (SmtpTalk second = new SmtpTalk(relay.address())) {
                assertEquals("421 4.3.2 All server ports are busy", second.reply());
                assertNull(second.reply());
            }
            assertEquals("221 2.0.0 Bye", first.command("QUIT"));
            relay.await("the limit is logged", WAIT, () -> relay.maillog().contains(
                    "warning: service \"" + relay.port() + "\" (" + relay.port()
                            + ") has reached its process limit \"1\""));
        }
    }

    @Test
    void anIdleClientShouldBeDisconnectedAfterSmtpdTimeout() throws Exception {
        try (Relay relay = Relay.start(dir, sink, Map.of("smtpd_timeout", "1s"));
             SmtpTalk c = new SmtpTalk(relay.address())) {
            c.reply();
            assertEquals("250 2.1.0 Ok", c.command("MAIL FROM:<a@example.com>"));
            String reply = c.reply();                               // waits for the server to give up
            assertTrue(reply.startsWith("421 "), reply);
            assertNull(c.reply());
            relay.await("the timeout is logged", WAIT, () -> relay.maillog().contains(
                    "timeout after MAIL from " + LOCALHOST + "[127.0.0.1]\n"));
        }
    }

    @Test
    void aClientLostInTheMiddleOfDataShouldLeaveNothingQueued() throws Exception {
        try (Relay relay = Relay.start(dir, sink, Map.of())) {
            try (SmtpTalk c = new SmtpTalk(relay.address())) {
                c.reply();
                c.command("EHLO client.example");
                c.command("MAIL FROM:<a@example.com>");
                c.command("RCPT TO:<b@example.net>");
                assertEquals("354 End data with <CR><LF>.<CR><LF>", c.command("DATA"));
                c.send("Subject: cut off\r\n\r\nhalf a message\r\n");
            }
            relay.await("the lost client is logged", WAIT, () -> relay.maillog().contains("disconnect from"));
            String log = relay.maillog();
            assertTrue(log.contains("lost connection after DATA from " + LOCALHOST + "[127.0.0.1]\n"), log);
            assertTrue(log.contains(": client=" + LOCALHOST + "[127.0.0.1]\n"), log);   // the file was begun...
            assertEquals(0, relay.queued());                                          // ...and removed
            assertTrue(!log.contains("message-id="), log);
        }
        assertTrue(sink.messages().isEmpty());
    }

    @Test
    void closeShouldLetADataTransferFinishAndSay421ToEveryone() throws Exception {
        Relay relay = Relay.start(dir, sink, Map.of());
        try (SmtpTalk busy = new SmtpTalk(relay.address()); SmtpTalk idle = new SmtpTalk(relay.address())) {
            busy.reply();
            idle.reply();
            assertEquals("250 2.0.0 Ok", idle.command("NOOP"));
            busy.command("EHLO client.example");
            busy.command("MAIL FROM:<a@example.com>");
            busy.command("RCPT TO:<b@example.net>");
            assertEquals("354 End data with <CR><LF>.<CR><LF>", busy.command("DATA"));
            busy.send("Subject: in flight\r\n\r\nfirst half\r\n");
            Thread closer = new Thread(relay.smtpd()::close, "test-closer");
            closer.start();
            assertEquals("421 4.3.2 relay.example.com Service shutting down, closing transmission channel",
                    idle.reply());
            assertNull(idle.reply());
            busy.send("second half\r\n.\r\n");
            assertTrue(busy.reply().startsWith("250 2.0.0 Ok: queued as "));
            assertEquals("421 4.3.2 relay.example.com Service shutting down, closing transmission channel",
                    busy.reply());
            assertNull(busy.reply());
            closer.join(WAIT.toMillis());
            assertTrue(!closer.isAlive(), "close() did not return");
            assertTrue(sink.await(1, WAIT).get(0).content().contains("first half\r\nsecond half\r\n"));
            assertThrows(java.io.IOException.class, () -> {
                try (SmtpTalk late = new SmtpTalk(relay.address())) {
                    if (late.reply() == null) {
                        throw new java.io.IOException("closed");
                    }
                }
            });
        } finally {
            relay.close();
        }
    }
}
