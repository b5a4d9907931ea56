/**
 * smtpd — the standalone daemon's SMTP server (Postfix's smtpd(8)), on SubEthaSMTP's listener
 * with our own commands and Postfix's replies.
 *
 * <ul>
 * <li>Listens on {@code inet_interfaces} ({@code loopback-only}: 127.0.0.1 and ::1 as
 *     {@code inet_protocols} allows; {@code all}: the wildcard; or a list of addresses and host
 *     names) at the port of each {@code inet} line of {@code $config_directory/master.cf} whose
 *     command is {@code smtpd} ({@code 2525 inet n - n - - smtpd}; {@code 127.0.0.1:2525 ...}
 *     listens on that address only; no such line: port 25). The line's maxproc (else
 *     {@code default_process_limit}) bounds its concurrent sessions: one more gets
 *     {@code 421 4.3.2 All server ports are busy}. Its {@code -o} overrides apply to it.</li>
 * <li>Greeting {@code 220 $smtpd_banner}; EHLO offers PIPELINING, SIZE ({@code message_size_limit}),
 *     VRFY, ENHANCEDSTATUSCODES, 8BITMIME.</li>
 * <li>Relaying: clients in {@code mynetworks} may send anywhere; others only to domains in
 *     {@code mydestination} whose {@code local_transport} takes mail; every other recipient gets
 *     {@code 554 5.7.1 <rcpt>: Relay access denied}. A recipient whose local delivery is disabled
 *     ({@code error:} transport) gets {@code 550 5.1.1}.</li>
 * <li>DATA is streamed to cleanup (dot-unstuffed, never whole in memory); {@code 250 2.0.0 Ok:
 *     queued as ID} comes only once the message is durable; over {@code message_size_limit}:
 *     {@code 552 5.3.4 Message size exceeds fixed limit}; spool trouble: {@code 451 4.3.0 Error:
 *     queue file write error}, a full spool {@code 452 4.3.1 Insufficient system storage} (as
 *     Postfix); nothing of the message stays queued.</li>
 * <li>Limits: {@code smtpd_recipient_limit} (1000; then {@code 452 4.5.3}), {@code smtpd_timeout}
 *     (300s of client silence).</li>
 * </ul>
 *
 * <p>Log lines (program smtpd): {@code connect from NAME[ADDR]}, {@code ID: client=NAME[ADDR]},
 * {@code NOQUEUE: reject: RCPT from NAME[ADDR]: 554 5.7.1 <x@y>: Relay access denied; from=<a@b>
 * to=<x@y> proto=ESMTP helo=<h>}, {@code lost connection after CMD from ...}, {@code timeout after
 * CMD from ...}, {@code disconnect from NAME[ADDR] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5}.
 * NAME comes from the hosts file, else {@code unknown}: no DNS look-up delays a session.
 *
 * <p>Parameters read: {@code inet_interfaces}, {@code inet_protocols}, {@code mynetworks},
 * {@code mydestination}, {@code local_transport}, {@code myhostname}, {@code myorigin},
 * {@code append_at_myorigin}, {@code smtpd_banner}, {@code message_size_limit},
 * {@code smtpd_recipient_limit}, {@code smtpd_timeout}, {@code default_process_limit},
 * {@code config_directory}. Differences from Postfix: see {@code src/docs/smtpd.md}.
 */
package org.postrelay.smtpd;
