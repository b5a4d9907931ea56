/**
 * smtp — the SMTP client, Postfix's smtp(8) for a null client: delivers one request (one queued
 * message, some of its recipients, one nexthop) and says what became of each recipient.
 *
 * <p><b>Job.</b> {@link org.postrelay.smtp.SmtpClient#deliver} takes a connection to the
 * {@link org.postrelay.smtp.Nexthop} from the cache or opens one (look-up, connect, greeting, EHLO),
 * sends MAIL FROM, RCPT TO per recipient, DATA and the queued bytes exactly as spooled (nothing is
 * parsed or rewritten: no Message-ID, no MIME-Version is added; the null sender goes out as
 * {@code MAIL FROM:<>}), and returns a {@link org.postrelay.smtp.DeliveryReport}. It never decides
 * retry or bounce policy over time: qmgr does. The protocol is Angus Mail's SMTPTransport, with
 * {@code mail.smtp.sendpartial=true}, on a socket we connect ourselves.
 *
 * <p><b>Nexthop.</b> relayhost syntax: {@code [host]:port} and {@code [host]} mean no MX look-up;
 * {@code host:port} and {@code host} ask for one. An empty relayhost is the caller's business (qmgr
 * passes the recipient's domain with MX look-up on). <i>MX look-up is not implemented yet</i>: the
 * host is looked up by A/AAAA record and every address is tried in turn; a name that does not
 * resolve defers (4.4.3) rather than bouncing.
 *
 * <p><b>Results</b> (one class, {@code SmtpTrouble}, as Postfix's smtp_trouble.c): 2xx is SENT with
 * the reply to the end of data, e.g. {@code 250 2.0.0 Ok: queued as X}; 4xx DEFERRED; 5xx BOUNCED,
 * with Postfix's text {@code host h[a] said: 550 5.1.1 No such user (in reply to RCPT TO command)}.
 * A refusal of MAIL FROM, DATA or end of data applies to every recipient not refused before. The dsn
 * is the reply's enhanced status code, else 2.0.0, 4.0.0 or 5.0.0. Trouble with the nexthop itself
 * defers everyone and sets {@code siteFailure} (qmgr's throttle feedback):
 * {@code connect to h[a]:p: Connection refused} (4.4.1), {@code host h[a] refused to talk to me: 421 ...}
 * (a 4xx greeting; a 5xx greeting bounces everyone, not a site failure),
 * {@code conversation with h[a] timed out while receiving the initial server greeting} and
 * {@code lost connection with h[a] while sending RCPT TO} (4.4.2), {@code Host or domain name not
 * found...} (4.4.3); a 421 at any stage. relay is {@code host[addr]:port}, or {@code none} when no
 * connection was made. connectTime is Postfix's delays "c", transmitTime its "d".
 *
 * <p><b>Connection cache</b> ({@code smtp_connection_cache_on_demand}): after a delivery that left the
 * session clean, the connection waits for the next delivery to the same nexthop; a cached connection
 * found dead (broken or 421 at MAIL FROM, before any recipient was given) is replaced by a fresh one
 * and the delivery goes on. Idle connections past their limit are closed with QUIT by a sweep on the
 * client's single timer thread, scheduled only while a connection is idle; {@code close()} closes
 * all.
 *
 * <p><b>Parameters read</b> (once, when the client is made):
 * <ul>
 * <li>{@code smtp_helo_name} ($myhostname): the EHLO name ({@code mail.smtp.localhost}).
 * <li>{@code smtp_connect_timeout} (30s; 0 leaves it to the system): TCP connect, per address.
 * <li>{@code smtp_helo_timeout} (300s): greeting and EHLO reply; also RSET/NOOP replies.
 * <li>{@code smtp_mail_timeout} (300s), {@code smtp_rcpt_timeout} (300s),
 *     {@code smtp_data_init_timeout} (120s), {@code smtp_data_done_timeout} (600s),
 *     {@code smtp_quit_timeout} (300s): the reply to each command. Angus has one read timeout;
 *     {@code ConversationSocket} follows the commands on the wire and sets the right one before each
 *     reply. ({@code mail.smtp.timeout} is set to the largest as a backstop.)
 * <li>{@code smtp_data_xfer_timeout} (180s): each write (Angus's write timeout, on the shared timer
 *     thread, not a thread per connection).
 * <li>{@code smtp_connection_cache_on_demand} (yes), {@code smtp_connection_cache_time_limit} (2s),
 *     {@code smtp_connection_reuse_time_limit} (300s).
 * </ul>
 * Not yet read: TLS ({@code smtp_tls_*}, {@code smtp_use_tls}) and SASL ({@code smtp_sasl_*}).
 *
 * <p><b>Queues touched:</b> none; the message is read through a
 * {@link org.postrelay.smtp.MessageSource}, streamed, never held whole in memory.
 *
 * <p><b>Diagnostics:</b> none of the nexthop's or message's trouble is thrown: it is in the results.
 * {@code IllegalArgumentException} for a bad relayhost value or an empty recipient list (our bug).
 * Logger {@code org.postrelay.smtp} (FINE: connect failures per address, dead cached connections);
 * Angus's protocol trace is logger {@code org.eclipse.angus.mail.smtp} at FINE.
 */
package org.postrelay.smtp;
