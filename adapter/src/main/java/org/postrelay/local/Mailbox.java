package org.postrelay.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.Parameters;
import org.postrelay.config.UnixPasswdTable;
import org.postrelay.smtp.MessageSource;

/**
 * {@code local_transport = local}: Postfix's local(8) without aliases, .forward files or commands.
 * Each recipient's user ({@link LocalUser}) must be known to {@code local_recipient_maps}; its mail
 * is appended to the mbox file {@code mail_spool_directory/USER} ({@link MailboxDelivery}).
 * Unknown users are refused at submission as Postfix's smtpd refuses them, and bounce as local(8)
 * bounces them ({@code 5.1.1 unknown user: "x"}) if they reach delivery all the same.
 */
public final class Mailbox implements LocalTransport {

    private final LocalRecipients recipients;
    private final MailboxDelivery delivery;
    private final String delimiters;
    private final List<String> warnings;

    Mailbox(LocalRecipients recipients, MailboxDelivery delivery, String delimiters, List<String> warnings) {
        this.recipients = recipients;
        this.delivery = delivery;
        this.delimiters = delimiters;
        this.warnings = List.copyOf(warnings);
    }

    /** Reads and checks the local(8) parameters; what Postrelay cannot honour fails the start. */
    static Mailbox from(Config config, Clock clock) {
        String spool = config.get(Parameters.MAIL_SPOOL_DIRECTORY);
        if (spool.isEmpty() || !Path.of(spool).isAbsolute()) {
            throw new ConfigException("bad value for parameter mail_spool_directory: \"" + spool
                    + "\" (expected an absolute directory path, such as /var/mail)");
        }
        if (spool.endsWith("/")) {
            throw new ConfigException("unsupported value for parameter mail_spool_directory: \"" + spool
                    + "\" (a trailing / asks for maildir delivery, which is not supported; remove the /"
                    + " for mbox files)");
        }
        String home = config.get(Parameters.HOME_MAILBOX);
        if (!home.isEmpty()) {
            throw new ConfigException("unsupported value for parameter home_mailbox: \"" + home
                    + "\" (delivery into home directories is not supported; leave it empty to deliver to"
                    + " mail_spool_directory)");
        }
        long mailboxLimit = config.size(Parameters.MAILBOX_SIZE_LIMIT);
        long messageLimit = config.size(Parameters.MESSAGE_SIZE_LIMIT);
        if (mailboxLimit > 0 && messageLimit == 0) {
            throw new ConfigException("configuration error: mailbox_size_limit is limited but message_size_limit"
                    + " is unlimited (set message_size_limit, or mailbox_size_limit = 0)");
        }
        if (mailboxLimit > 0 && mailboxLimit < messageLimit) {
            throw new ConfigException("configuration error: mailbox_size_limit is smaller than message_size_limit ("
                    + mailboxLimit + " < " + messageLimit + ": raise mailbox_size_limit)");
        }
        MailboxLock lock = new MailboxLock(lockSettings(config), clock);
        List<String> warnings = new ArrayList<>();
        if (!Files.isDirectory(Path.of(spool))) {
            warnings.add("mail_spool_directory " + spool + " is not a directory: local deliveries are deferred"
                    + " until it is created");
        }
        if (config.isSet(Parameters.ALIAS_MAPS.name())) {
            warnings.add("alias_maps = " + config.get(Parameters.ALIAS_MAPS) + " is not supported: aliases are"
                    + " not expanded, mail goes to the mailbox of the user named in the address");
        }
        LocalRecipients recipients = LocalRecipients.from(config);
        warnings.addAll(recipients.warnings());
        return new Mailbox(recipients, new MailboxDelivery(Path.of(spool), mailboxLimit, lock, new UnixPasswdTable(),
                clock),
                config.get(Parameters.RECIPIENT_DELIMITER), warnings);
    }

    private static MailboxLock.Settings lockSettings(Config config) {
        boolean fcntl = false;
        boolean dotlock = false;
        for (String method : config.list(Parameters.MAILBOX_DELIVERY_LOCK)) {
            switch (method.toLowerCase(Locale.ROOT)) {
                case "fcntl" -> fcntl = true;
                case "dotlock" -> dotlock = true;
                case "flock" -> throw new ConfigException("unsupported value for parameter mailbox_delivery_lock: \""
                        + config.get(Parameters.MAILBOX_DELIVERY_LOCK) + "\" (flock is not available to Java;"
                        + " expected fcntl and/or dotlock)");
                default -> throw new ConfigException("bad value for parameter mailbox_delivery_lock: \""
                        + config.get(Parameters.MAILBOX_DELIVERY_LOCK) + "\": unknown method " + method
                        + " (expected fcntl and/or dotlock)");
            }
        }
        if (!fcntl && !dotlock) {
            throw new ConfigException("parameter mailbox_delivery_lock specifies no applicable mailbox locking"
                    + " method (expected fcntl and/or dotlock)");
        }
        return new MailboxLock.Settings(fcntl, dotlock, (int) config.integer(Parameters.DELIVER_LOCK_ATTEMPTS),
                config.time(Parameters.DELIVER_LOCK_DELAY), config.time(Parameters.STALE_LOCK_TIME));
    }

    @Override
    public Result deliver(String sender, String recipient, MessageSource content) {
        LocalUser user = LocalUser.of(recipient, delimiters);
        if (user.user().isEmpty()) {
            return Result.of("5.1.3", "null username in \"" + recipient + "\"");
        }
        try {
            if (!isMailboxName(user.user()) || !recipients.known(recipient)) {
                return Result.of("5.1.1", "unknown user: \"" + user.user() + "\"");
            }
        } catch (ConfigException e) {
            return Result.of("4.3.0", "table lookup failure");
        }
        return delivery.deliver(sender, recipient, user.user(), content);
    }

    @Override
    public Optional<String> unknownRecipient(String recipient) {
        LocalUser user = LocalUser.of(recipient, delimiters);
        String why;
        if (!isMailboxName(user.user())) {
            why = "\"" + user.user() + "\" cannot be a mailbox name";
        } else if (recipients.known(recipient)) {
            return Optional.empty();
        } else {
            why = "no user \"" + user.user() + "\" in local_recipient_maps: " + recipients.describe();
        }
        return Optional.of("550 5.1.1 <" + recipient + ">: Recipient address rejected: User unknown in local"
                + " recipient table (" + why + ")");
    }

    /**
     * Whether a user name can be a mailbox file: Postfix only ever meets names from the passwd file,
     * but an empty local_recipient_maps lets any local part through.
     */
    static boolean isMailboxName(String user) {
        return !user.isEmpty() && !user.startsWith(".") && !user.endsWith(".lock") && user.indexOf('/') < 0
                && user.indexOf('\0') < 0 && user.indexOf('\\') < 0;
    }

    @Override
    public boolean rejectsAtSubmission() {
        return false;
    }

    @Override
    public String describe() {
        return "local_transport = local";
    }

    @Override
    public String role() {
        return "local";
    }

    @Override
    public String relay() {
        return "local";
    }

    @Override
    public List<String> warnings() {
        return warnings;
    }

    /** The mailbox file of a user, for tests and tools. */
    public Path mailbox(String user) {
        return delivery.mailbox(user);
    }
}
