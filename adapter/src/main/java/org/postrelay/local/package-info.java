/**
 * local — the {@code local_transport} for recipients whose domain is in {@code mydestination}
 * (Postfix's error(8), discard(8) and local(8)). The full description is {@code src/docs/local.md}.
 *
 * <h2>Transports</h2>
 * <ul>
 * <li>{@code error:TEXT} (the default here, the null-client setting): each local recipient bounces
 *     with 5.0.0 and TEXT; API submissions are refused up front with the same text, since they could
 *     only bounce. Log role {@code error}, {@code relay=none}.</li>
 * <li>{@code discard:TEXT}: local recipients are marked delivered, {@code status=sent (TEXT)}.
 *     Log role {@code discard}, {@code relay=none}.</li>
 * <li>{@code local} or {@code local:NEXTHOP} (Postfix's own default is {@code local:$myhostname};
 *     the nexthop plays no part): {@link org.postrelay.local.Mailbox} appends each recipient's mail
 *     to the mbox file {@code mail_spool_directory/USER} — USER is the local part folded to lower
 *     case without its {@code recipient_delimiter} extension — in Postfix's exact format
 *     ({@link org.postrelay.local.MboxWriter}), locked as {@code mailbox_delivery_lock} says, fsynced,
 *     and truncated back to its former size on any failure ({@link org.postrelay.local.MailboxDelivery}).
 *     Log role {@code local}: {@code to=<bob@example.com>, relay=local, ..., dsn=2.0.0,
 *     status=sent (delivered to mailbox)}.</li>
 * </ul>
 *
 * <h2>Unknown users</h2>
 * {@code local_recipient_maps} (default {@code proxy:unix:passwd.byname $alias_maps}: the accounts in
 * /etc/passwd) says who exists. A submission naming an unknown local user is refused at once, as
 * Postfix's smtpd refuses it: {@code 550 5.1.1 <x@d>: Recipient address rejected: User unknown in
 * local recipient table} (a {@code MessageRejectedException}; a table that cannot be read is a
 * {@code TemporaryFailureException}). One that reaches delivery anyway (the tables changed while it
 * waited) bounces as local(8) bounces it: {@code 5.1.1 unknown user: "x"}. An empty
 * {@code local_recipient_maps} knows every user. {@code postmaster} and {@code mailer-daemon} always
 * exist and go to mailboxes of those names.
 *
 * <h2>Parameters read</h2>
 * {@code local_transport}, {@code mydestination}, {@code mail_spool_directory} (absolute; a trailing
 * {@code /} would mean maildir, which is refused), {@code mailbox_size_limit} (at least
 * {@code message_size_limit}, as Postfix demands), {@code mailbox_delivery_lock} ({@code fcntl},
 * {@code dotlock}; {@code flock} is refused), {@code deliver_lock_attempts},
 * {@code deliver_lock_delay}, {@code stale_lock_time}, {@code local_recipient_maps},
 * {@code alias_maps} (only to skip its tables: aliases are not expanded; setting it logs a
 * warning), {@code recipient_delimiter}, {@code home_mailbox} (must be empty).
 *
 * <h2>Diagnostics</h2>
 * A transport or setting that cannot be honoured is a {@code ConfigException} at start-up naming the
 * parameter and its value. Delivery failures carry Postfix's texts ({@code cannot update mailbox
 * /var/mail/bob for user bob. unable to create lock file /var/mail/bob.lock: File exists}); a full
 * mailbox bounces (5.2.2), a mailbox that is not a plain file bounces (5.2.0), everything else defers
 * (4.2.0, 4.3.0).
 *
 * <h2>Files touched</h2>
 * {@code mail_spool_directory/USER} (created mode 0600), {@code mail_spool_directory/USER.lock}
 * (while delivering), {@code /etc/passwd} (read).
 */
package org.postrelay.local;
