/**
 * cleanup — checks and canonicalises each submitted message before it is queued (Postfix's
 * cleanup(8) and trivial-rewrite(8)).
 *
 * <ul>
 * <li>Envelope addresses: angle brackets stripped; a bare name becomes {@code name@$myorigin}
 *     ({@code append_at_myorigin = yes}); line breaks, control characters, display names and
 *     malformed domains are refused; duplicates are dropped.</li>
 * <li>Per recipient: a domain in {@code mydestination} goes to the {@code local_transport}
 *     (with the null client's {@code error:} transport such a recipient is refused at once; with
 *     {@code local}, a user unknown to {@code local_recipient_maps} is refused as Postfix's smtpd
 *     refuses it), everything else to {@code relayhost} (or the recipient's domain when it is
 *     empty).</li>
 * <li>Headers: a {@code Received: by $myhostname} line is prepended (for mail from smtpd,
 *     Postfix's smtpd form {@code Received: from HELO (NAME [ADDR]) by $myhostname ($mail_name)
 *     with ESMTP id ID}); {@code From},
 *     {@code Date} and {@code Message-ID} are added when missing; {@code Bcc} and
 *     {@code Resent-Bcc} are removed; a header value with a bare CR or an unfolded line break is
 *     refused as header injection, and so is a header name that is not printable ASCII without
 *     ':'; the header section is limited by {@code header_size_limit}
 *     (102400).</li>
 * <li>Envelope addresses: an internationalised domain after an ASCII local part is sent as its
 *     A-labels ({@code user@xn--bcher-kva.example}); a non-ASCII local part is refused (no
 *     SMTPUTF8 yet).</li>
 * <li>Body: line ends become CRLF; {@code message_size_limit} (10240000) bounds the whole
 *     ({@link org.postrelay.cleanup.MessageTooLargeException}, which smtpd answers with 552 5.3.4).</li>
 * </ul>
 *
 * <p>The queue id is returned only once the message is durable (see the queue package).
 *
 * <p>Diagnostics: {@link org.postrelay.api.MessageRejectedException} says what is wrong and what
 * to change; {@link org.postrelay.api.TemporaryFailureException} names the queue directory when
 * the spool cannot take the message. Log line: {@code ID: message-id=<...>}.
 */
package org.postrelay.cleanup;
