/**
 * pickup — Postfix's pickup(8): moves what the {@code sendmail} command drops in
 * {@code $queue_directory/maildrop/} into the queue through cleanup.
 *
 * <p><b>Job.</b> {@link org.postrelay.pickup.Pickup} watches maildrop/ (and scans it every 5 s in
 * case a wake-up was missed); each complete file (sendmail writes {@code .NAME} and renames it to
 * {@code NAME} once it is forced to disk) is read as a {@code MaildropFile} — a short text envelope
 * (sender, optional full name, flags, recipients) and the message as sendmail read it — and given
 * to cleanup, which qualifies addresses, adds the missing headers and writes the queue file. The
 * maildrop file is removed once the queue file is durable.
 *
 * <p><b>sendmail flags honoured here:</b> {@code -t} (recipients also from To/Cc/Bcc, or the
 * Resent- forms when present, as Postfix), {@code -F} (a From header with the full name when the
 * message has none), {@code -i}/{@code -oi} (without it a line with a lone "." ends the message).
 *
 * <p><b>Nothing lost:</b> a temporary failure leaves the file for the next scan; a permanent
 * refusal (too large, no recipients, bad header address) sends the sender a notice from the null
 * sender with the reason; an unreadable file, or a refusal of a null-sender message, is moved to
 * {@code corrupt/maildrop-NAME} with a warning.
 *
 * <p><b>Log:</b> {@code pickup: ID: uid=1000 from=<alice>} as Postfix's.
 */
package org.postrelay.pickup;
