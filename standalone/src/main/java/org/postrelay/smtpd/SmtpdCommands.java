package org.postrelay.smtpd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postrelay.api.MessageRejectedException;
import org.postrelay.api.RelayException;
import org.postrelay.api.TemporaryFailureException;
import org.postrelay.cleanup.MessageTooLargeException;
import org.postrelay.cleanup.SmtpClientOrigin;
import org.postrelay.cleanup.Submission;
import org.postrelay.master.Maillog;
import org.postrelay.queue.Spool;
import org.subethamail.smtp.internal.io.DotTerminatedInputStream;
import org.subethamail.smtp.internal.io.DotUnstuffingInputStream;
import org.subethamail.smtp.server.Session;

/**
 * smtpd's SMTP commands with Postfix's replies: EHLO (PIPELINING, SIZE, VRFY,
 * ENHANCEDSTATUSCODES, 8BITMIME), HELO, MAIL, RCPT (the relay check), DATA (streamed to cleanup,
 * 250 only once the message is durable), RSET, NOOP, VRFY, QUIT; AUTH, STARTTLS, BDAT, ETRN, EXPN
 * and HELP are answered as a Postfix without those features answers them.
 */
final class SmtpdCommands {

    private final SmtpdService service;
    private final SessionTracker tracker;
    private final Submission submission;
    private final Maillog maillog;

    SmtpdCommands(SmtpdService service, SessionTracker tracker, Submission submission, Maillog maillog) {
        this.service = service;
        this.tracker = tracker;
        this.submission = submission;
        this.maillog = maillog;
    }

    /** Every command, to replace the library's. */
    List<Verb> verbs() {
        List<Verb> verbs = new ArrayList<>();
        verbs.add(new Verb("ehlo", tracker, this::ehlo));
        verbs.add(new Verb("helo", tracker, this::helo));
        verbs.add(new Verb("mail", tracker, this::mail));
        verbs.add(new Verb("rcpt", tracker, this::rcpt));
        verbs.add(new Verb("data", tracker, this::data));
        verbs.add(new Verb("rset", tracker, this::rset));
        verbs.add(new Verb("noop", tracker, (s, a) -> s.reply("250 2.0.0 Ok")));
        verbs.add(new Verb("vrfy", tracker, this::vrfy));
        verbs.add(new Verb("quit", tracker, this::quit));
        verbs.add(new Verb("auth", tracker, (s, a) -> s.reply("503 5.5.1 Error: authentication not enabled")));
        for (String unsupported : List.of("starttls", "bdat")) {
            verbs.add(new Verb(unsupported, tracker, (s, a) -> s.reply("502 5.5.1 Error: command not implemented")));
        }
        for (String unknown : List.of("etrn", "expn", "help")) {
            verbs.add(new Verb(unknown, tracker, (s, a) -> s.reply(Verb.NOT_RECOGNIZED)));
        }
        return verbs;
    }

    private void ehlo(SmtpdSession s, String arguments) throws IOException {
        if (arguments.isEmpty()) {
            s.reply("501 Syntax: EHLO hostname");
            return;
        }
        s.resetTransaction();
        s.helo = arguments;
        s.protocol = "ESMTP";
        String size = service.messageSizeLimit > 0 ? "SIZE " + service.messageSizeLimit : "SIZE";
        s.reply("250-" + service.myhostname + "\r\n250-PIPELINING\r\n250-" + size
                + "\r\n250-VRFY\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME");
    }

    private void helo(SmtpdSession s, String arguments) throws IOException {
        if (arguments.isEmpty()) {
            s.reply("501 Syntax: HELO hostname");
            return;
        }
        s.resetTransaction();
        s.helo = arguments;
        s.protocol = "SMTP";
        s.reply("250 " + service.myhostname);
    }

    private void mail(SmtpdSession s, String arguments) throws IOException {
        if (s.sender != null) {
            s.reply("503 5.5.1 Error: nested MAIL command");
            return;
        }
        PathArgument path = PathArgument.parse(arguments, "FROM:");
        if (path == null) {
            s.reply("501 5.5.4 Syntax: MAIL FROM:<address>");
            return;
        }
        for (String parameter : path.parameters()) {
            String upper = parameter.toUpperCase(Locale.ROOT);
            if (upper.startsWith("SIZE=")) {
                String value = parameter.substring(5);
                if (!value.matches("[0-9]{1,18}")) {
                    s.reply("501 5.5.4 Bad message size syntax");
                    return;
                }
                if (service.messageSizeLimit > 0 && Long.parseLong(value) > service.messageSizeLimit) {
                    s.reply("552 5.3.4 Message size exceeds fixed limit");
                    return;
                }
            } else if (!upper.equals("BODY=7BIT") && !upper.equals("BODY=8BITMIME")) {
                s.reply("555 5.5.4 Unsupported option: " + parameter);
                return;
            }
        }
        if (!path.address().isEmpty()) {
            try {
                service.addresses.sender(path.address());
            } catch (MessageRejectedException e) {
                s.reply("501 5.1.7 Bad sender address syntax");
                return;
            }
        }
        s.sender = path.address();
        s.reply("250 2.1.0 Ok");
    }

    private void rcpt(SmtpdSession s, String arguments) throws IOException {
        if (s.sender == null) {
            s.reply("503 5.5.1 Error: need MAIL command");
            return;
        }
        PathArgument path = PathArgument.parse(arguments, "TO:");
        if (path == null) {
            s.reply("501 5.5.4 Syntax: RCPT TO:<address>");
            return;
        }
        if (!path.parameters().isEmpty()) {
            s.reply("555 5.5.4 Unsupported option: " + path.parameters().get(0));
            return;
        }
        String canonical;
        try {
            canonical = service.addresses.recipient(path.address());
        } catch (MessageRejectedException e) {
            s.reply("501 5.1.3 Bad recipient address syntax");
            return;
        }
        if (s.recipients.size() >= service.recipientLimit) {
            s.reply("452 4.5.3 Error: too many recipients");
            return;
        }
        String reject = service.policy.check(service.policy.trusted(s.address), canonical, path.address());
        if (reject != null) {
            s.reply(reject);
            logReject(s, "NOQUEUE", "RCPT", reject, path.address());
            return;
        }
        s.recipients.add(path.address());
        s.reply("250 2.1.5 Ok");
    }

    private void data(SmtpdSession s, String arguments) throws IOException {
        if (!arguments.isEmpty()) {
            s.reply("501 5.5.4 Syntax: DATA");
            return;
        }
        if (s.sender == null) {
            s.reply("503 5.5.1 Error: need MAIL command");
            return;
        }
        if (s.recipients.isEmpty()) {
            s.reply("503 5.5.1 Error: need RCPT command");
            return;
        }
        s.reply("354 End data with <CR><LF>.<CR><LF>");
        Session session = s.librarySession();
        ClientInput content = new ClientInput(
                new DotUnstuffingInputStream(new DotTerminatedInputStream(session.getRawInput())));
        String[] queueId = {"NOQUEUE"};
        SmtpClientOrigin origin = new SmtpClientOrigin(s.helo, s.name, s.addressText, s.protocol);
        try {
            String id = submission.receive(s.sender, List.copyOf(s.recipients), content, origin, created -> {
                queueId[0] = created;
                maillog.log("smtpd", created + ": client=" + s.client);
            });
            content.drain();
            s.reply("250 2.0.0 Ok: queued as " + id);
        } catch (RelayException e) {
            content.rethrowClientFailure();                  // a timeout or lost client is not the message's fault
            content.drain();
            String reply = replyFor(e);
            s.reply(reply);
            logReject(s, queueId[0], "END-OF-MESSAGE", reply, String.join(",", s.recipients));
        } finally {
            s.resetTransaction();
        }
    }

    private String replyFor(RelayException e) {
        if (e instanceof MessageTooLargeException) {
            return "552 5.3.4 Message size exceeds fixed limit";
        }
        if (e instanceof TemporaryFailureException) {
            maillog.warning("smtpd", "cannot queue a message: " + e.getMessage());
            return Spool.isOutOfSpace(e) ? "452 4.3.1 Insufficient system storage" : "451 4.3.0 Error: queue file write error";
        }
        return "550 5.7.1 Message content rejected: " + oneLine(e.getMessage());
    }

    private void rset(SmtpdSession s, String arguments) throws IOException {
        if (!arguments.isEmpty()) {
            s.reply("501 5.5.4 Syntax: RSET");
            return;
        }
        s.resetTransaction();
        s.reply("250 2.0.0 Ok");
    }

    /** Postfix with disable_vrfy_command = no: 252 for what RCPT would accept, the RCPT reject otherwise. */
    private void vrfy(SmtpdSession s, String arguments) throws IOException {
        PathArgument path = arguments.isEmpty() ? null : PathArgument.parse("TO:" + arguments, "TO:");
        if (path == null || path.address().isEmpty()) {
            s.reply("501 5.5.4 Syntax: VRFY address");
            return;
        }
        String canonical;
        try {
            canonical = service.addresses.recipient(path.address());
        } catch (MessageRejectedException e) {
            s.reply("501 5.1.3 Bad recipient address syntax");
            return;
        }
        String reject = service.policy.check(service.policy.trusted(s.address), canonical, path.address());
        s.reply(reject != null ? reject : "252 2.0.0 " + path.address());
    }

    private void quit(SmtpdSession s, String arguments) throws IOException {
        s.reply("221 2.0.0 Bye");
        s.quit();
    }

    /** Postfix's reject line: {@code NOQUEUE: reject: RCPT from name[addr]: 554 ...; from=<> to=<> proto=ESMTP helo=<>}. */
    private void logReject(SmtpdSession s, String id, String stage, String reply, String to) {
        maillog.log("smtpd", id + ": reject: " + stage + " from " + s.client + ": " + reply + "; from=<" + s.sender
                + "> to=<" + to + "> proto=" + s.protocol + (s.helo == null ? "" : " helo=<" + s.helo + ">"));
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\r\\n]+", " ");
    }
}
