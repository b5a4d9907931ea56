/**
 * pickup — Postfix's pickup(8): moves what the {@code sendmail} command drops in
 * {@code $queue_directory/maildrop/} into the queue through cleanup.
 *
 * <p><b>Job.</b> {@link org.postrelay.pickup.Pickup} watches maildrop/ (and scans it every 5 s in
 * case a wake-up was missed); each complete file (one that ends with the trailer line carrying the
 * token its envelope names; sendmail writes it last, then forces the file) is read as a
 * {@code MaildropFile} — a short text envelope (sender, optional full name, flags, recipients), the
 * message as sendmail read it, the trailer — and given to cleanup, which qualifies addresses, adds the missing headers and writes the queue file. The
 * maildrop file is removed once the queue file is durable.
 *
 * <p><b>sendmail flags honoured here:</b> {@code -t} (recipients also from To/Cc/Bcc, or the
 * Resent- forms when present, as Postfix), {@code -F} (a From header with the full name when the
 * message has none), {@code -i}/{@code -oi} (without it a line with a lone "." ends the message).
 *
 * <p><b>Nothing lost:</b> a temporary failure leaves the file for the next scan; a permanent
 * refusal (too large, no recipients, bad header address) sends the sender a notice from the null
 * sender with the reason; an unreadable file, or a refusal of a null-sender message, is moved to
 * {@code corrupt/maildrop-NAME} with a warning. An incomplete file is left for its sendmail to
 * finish; once that process (the name's {@code .PID}) is gone and the file was not touched for a
 * minute, it is removed with a warning: it was never acknowledged.
 *
 * <p><b>Log:</b> {@code pickup: ID: uid=1000 from=<alice>} as Postfix's.
 */
package org.postrelay.pickup;
