/**
 * bounce — delivery status notifications (RFC 3464) back to the sender.
 *
 * <p>When a delivery attempt ends with recipients that bounced (5xx, local delivery disabled) or
 * that expired ({@code maximal_queue_lifetime}, or {@code bounce_queue_lifetime} for notifications
 * themselves), the queue manager asks for one "failed" notification per message; with
 * {@code delay_warning_time} set, one "delayed" warning when the message has waited that long.
 * Notifications come from the null sender {@code <>} and from {@code MAILER-DAEMON@$myhostname},
 * carry a {@code message/delivery-status} part and the original message (whole up to
 * {@code bounce_size_limit}, default 50000 bytes; else {@code text/rfc822-headers}), and are queued
 * through cleanup like any other message.
 *
 * <p>Parameters: {@code myhostname}, {@code mail_name}, {@code bounce_size_limit}.
 *
 * <p>Diagnostics: a message from the null sender is never bounced (warning: "no bounce of a
 * bounce"); a notification that cannot be queued is logged as a warning and the failed recipients
 * are still marked done, as Postfix does.
 */
package org.postrelay.bounce;
