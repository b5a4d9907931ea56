/**
 * smtp — the SMTP client, Postfix's smtp(8) for a null client: delivers one request (one queued
 * message, some of its recipients, one nexthop) and says what became of each recipient.
 *
 * <p><b>Job.</b> {@link org.postrelay.smtp.SmtpClient#deliver} takes a destination (relayhost
 * syntax, maybe a list), takes a connection to one of its servers from the cache or opens one
 * (look-up, connect, greeting, EHLO, STARTTLS, AUTH), sends MAIL FROM, RCPT TO per recipient, DATA
 * and the queued bytes exactly as spooled (nothing is parsed or rewritten: no Message-ID, no MIME-Version is
 * added; the null sender goes out as {@code MAIL FROM:<>}), and returns a
 * {@link org.postrelay.smtp.DeliveryReport}. It never decides
 * retry or bounce policy over time: qmgr does. The protocol is Angus Mail's SMTPTransport, with
 * {@code mail.smtp.sendpartial=true}, on a socket we connect ourselves.
 *
 * <p><b>PIPELINING</b> (RFC 2920, as Postfix's smtp_proto.c; {@code RelayTransport}, which Angus lacks):
 * when the server's EHLO offers PIPELINING, MAIL FROM, every RCPT TO and DATA go out in one write and
 * the replies are read in order, each with its own command's timeout and stage text ("lost connection
 * with h[a] while sending RCPT TO" names the command whose reply was awaited). The results are the
 * ones the same replies give without pipelining: MAIL FROM refused: the RCPT and DATA replies are
 * read and ignored; some recipients refused: the others get the message; all refused: the DATA
 * reply (503/554) is read and nothing is sent (a server that answers 354 anyway gets a lone "."),
 * each recipient keeps its own reply. Every failed transaction ends with RSET, so a cached session
 * is clean for the next one. {@code smtp_discard_ehlo_keywords = pipelining} turns it off (and
 * {@code starttls} or {@code auth} there make the client act as if the server had not offered
 * them; each EHLO then logs "discarding EHLO keywords: ..." unless {@code silent-discard} is listed).
 *
 * <p><b>Routing</b> (Postfix's smtp_connect.c and smtp_addr.c; {@code src/docs/routing.md}).
 * {@code [host]:port} and {@code [host]} mean no MX look-up (the host's A/AAAA records; a numeric
 * address needs no look-up); {@code host:port} and {@code host} ask for one; no port means
 * {@code smtp_tcp_port}. An empty relayhost is qmgr's business: it passes the recipient's domain.
 * MX hosts are tried by preference, equal preferences shuffled ({@code smtp_randomize_addresses}),
 * then ordered by {@code smtp_address_preference}; a domain without MX is its own server; a null MX
 * (RFC 7505) bounces 5.1.0 "Domain d does not accept mail (nullMX)"; NXDOMAIN bounces 5.4.4 "Host or
 * domain name not found. Name service error for name=d type=AAAA: Host not found" (type=A with
 * inet_protocols = ipv4); SERVFAIL or a timeout defers 4.4.3 "... type=MX: Host not found, try
 * again". {@code inet_protocols} chooses A and/or AAAA look-ups. A relayhost list is tried in order,
 * then {@code smtp_fallback_relay}; per destination at most {@code smtp_mx_address_limit} addresses
 * and {@code smtp_mx_session_limit} sessions. A recipient deferred by one server (4xx, a refused or
 * lost connection, a 421, a 5xx greeting under {@code smtp_skip_5xx_greeting}) is offered to the
 * next server and finally the fallback relay; a 5xx reply bounces it at once. As in Postfix, a
 * destination that does not resolve (even NXDOMAIN or a null MX) also goes on to the fallback relay,
 * and when the relayhost or a fallback relay itself does not resolve, the mail is deferred 4.3.5
 * ("relayhost configuration problem") rather than bounced. Look-ups go through a
 * {@link org.postrelay.smtp.DnsResolver}: the system's (/etc/resolv.conf; /etc/hosts first for
 * addresses; answers cached for their TTL), or one given to {@code SmtpClient(Config, DnsResolver)}.
 * Not done: SRV look-ups, DNSSEC/DANE, loop detection (an MX pointing at ourselves),
 * smtp_host_lookup, the DNS reply filter.
 *
 * <p><b>TLS</b> ({@code TlsPolicy}, {@code StartTls}), as Postfix's smtp_proto.c and tls_client.c:
 * the level is {@code smtp_tls_security_level}, or when that is empty {@code verify} if
 * {@code smtp_enforce_tls} ({@code encrypt} if also {@code smtp_tls_enforce_peername = no}), else
 * {@code may} if {@code smtp_use_tls}, else {@code none}. {@code none} never sends STARTTLS.
 * {@code may} sends it when offered and does not judge the certificate; not offered or refused
 * (454), the mail goes in clear text; a failed handshake defers ({@code 4.7.5 Cannot start TLS:
 * handshake failure}, no throttling) unless the message already waited
 * {@code minimal_backoff_time} in the queue and no SASL credentials exist for the server: then the
 * same address is tried again at once without TLS (Postfix's rule). {@code encrypt} requires TLS,
 * any certificate: {@code 4.7.4 TLS is required, but was not offered by host h[a]},
 * {@code TLS is required, but host h[a] refused to start TLS: <reply>}, or the handshake failure,
 * each a site failure. {@code verify} and {@code secure} also require a chain to
 * {@code smtp_tls_CAfile}/{@code smtp_tls_CApath} (both empty: the JVM's trust store) and a
 * certificate name (DNS subjectAltNames, else the CN; "*.domain" wildcards) matching
 * {@code smtp_tls_verify_cert_match} (hostname) or {@code smtp_tls_secure_cert_match} (nexthop,
 * dot-nexthop), else {@code 4.7.5 Server certificate not verified}, with the reason logged
 * ("certificate verification failed for h[a]:p: self-signed certificate", "untrusted issuer /CN=..",
 * "server certificate verification failed for h[a]:p: num=62:hostname mismatch"). The handshake is
 * always completed first and the certificate judged after, as Postfix does; no SNI is sent.
 * {@code smtp_tls_wrappermode} speaks TLS before the greeting (port 465; needs encrypt or above).
 * At {@code smtp_tls_loglevel} 1 or more each handshake logs
 * {@code Anonymous|Untrusted|Trusted|Verified TLS connection established to h[a]:p: TLSv1.3 with
 * cipher TLS_AES_256_GCM_SHA384 (256/256 bits)} (JSSE's cipher names). TLS sessions stay in the
 * connection cache like clear-text ones (Postfix needs tlsproxy for that; in one JVM it is safe).
 * The TLS session sits under {@code ConversationSocket}, so stages and per-command timeouts work
 * in clear text above it; Angus switches to it through {@code StartTlsSocketFactory}.
 *
 * <p><b>SASL</b> ({@code SaslPolicy}, {@code SaslPasswords}, {@code SaslAuthenticator}), as
 * smtp_sasl_proto.c and smtp_sasl_glue.c: with {@code smtp_sasl_auth_enable} and a server that
 * offers AUTH, the credentials are looked up in {@code smtp_sasl_password_maps} by the server's host
 * name, then by the nexthop as written ({@code [smtp.example.com]:587}); none found: no AUTH (the
 * mail goes unauthenticated). A table file (source or .prdb index) that group or others can read
 * is warned about once at start ({@code PasswordFileModes}; Postfix has no such check). The mechanism is the first the server offers, in its order, that
 * {@code smtp_sasl_mechanism_filter} keeps, Postrelay speaks (PLAIN, LOGIN) and the security
 * options allow ({@code smtp_sasl_security_options} without TLS, {@code smtp_sasl_tls_security_options}
 * over TLS; {@code noplaintext}, {@code noactive}, {@code nodictionary}, {@code mutual_auth} and
 * {@code forward_secrecy} rule out PLAIN and LOGIN). Texts: nothing the filter keeps:
 * {@code 4.7.0 SASL authentication failed: server h[a] offered no compatible authentication
 * mechanisms for this type of connection security}; nothing allowed: {@code 4.7.0 SASL
 * authentication failed; cannot authenticate to server h[a]: no mechanism available}; refused:
 * {@code SASL authentication failed; server h[a] said: 535 ...}, deferred with a 4.x.x dsn under
 * {@code smtp_sasl_auth_soft_bounce} (default), bounced without; a table error:
 * {@code 4.3.0 local data error while talking to h[a]}. All are site failures when deferred, and the
 * connection is closed. The AUTH lines are written under Angus, so its protocol trace never holds
 * them; no password is in any log line, exception or toString.
 *
 * <p><b>Results</b> (one class, {@code SmtpTrouble}, as Postfix's smtp_trouble.c): 2xx is SENT with
 * the reply to the end of data, e.g. {@code 250 2.0.0 Ok: queued as X}; 4xx DEFERRED; 5xx BOUNCED,
 * with Postfix's text {@code host h[a] said: 550 5.1.1 No such user (in reply to RCPT TO command)}.
 * A refusal of MAIL FROM, DATA or end of data applies to every recipient not refused before. The dsn
 * is the reply's enhanced status code, else 2.0.0, 4.0.0 or 5.0.0. Trouble with the nexthop itself
 * defers everyone and sets {@code siteFailure} (qmgr's throttle feedback):
 * {@code connect to h[a]:p: Connection refused} (4.4.1), {@code host h[a] refused to talk to me: 421 ...}
 * (a 4xx greeting, or a 5xx one, its dsn made 4.x.x, under {@code smtp_skip_5xx_greeting = yes};
 * with {@code no} a 5xx greeting bounces everyone, not a site failure),
 * {@code conversation with h[a] timed out while receiving the initial server greeting} and
 * {@code lost connection with h[a] while sending RCPT TO} (4.4.2), {@code Host or domain name not
 * found...} (4.4.3); a 421 at any stage. relay is {@code host[addr]:port} (host: the MX host or the
 * relayhost's name), or {@code none} when no connection was made; per recipient when one request
 * used several servers. connectTime is Postfix's delays "c", transmitTime its "d".
 *
 * <p><b>Connection cache</b> ({@code smtp_connection_cache_on_demand}): after a delivery that left the
 * session clean, the connection waits for the next delivery to the same nexthop (the destination
 * it was opened for: the domain, a relayhost list item, a fallback relay; no look-up then); a
 * cached connection found dead (broken or 421 at MAIL FROM, before any recipient was accepted:
 * pipelined, the RCPT replies that follow are never read) is replaced by a fresh one and the delivery
 * goes on. Postfix probes a cached session with RSET first; we send the transaction and treat a dead
 * reply to MAIL FROM as that probe's failure, which saves a round trip per reused delivery. Idle connections past their limit are closed
 * with QUIT by a sweep on the client's single timer thread, scheduled only while a connection is
 * idle; {@code close()} closes all.
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
 * <li>{@code minimal_backoff_time} (300s): the queue age after which a failed opportunistic
 *     handshake is retried in clear text.
 * <li>TLS: {@code smtp_tls_security_level} (empty), {@code smtp_use_tls} (no), {@code smtp_enforce_tls}
 *     (no), {@code smtp_tls_enforce_peername} (yes), {@code smtp_tls_wrappermode} (no),
 *     {@code smtp_tls_CAfile}, {@code smtp_tls_CApath} (empty), {@code smtp_tls_protocols},
 *     {@code smtp_tls_mandatory_protocols} ({@code >=TLSv1}; {@code ">=TLSv1.2, <=TLSv1.3"} or
 *     {@code "!SSLv2, !SSLv3"}),
 *     {@code smtp_tls_ciphers}, {@code smtp_tls_mandatory_ciphers} (medium; high drops RC4, 3DES,
 *     DES, IDEA, SEED from the JVM's enabled suites, every grade drops anon, NULL, EXPORT),
 *     {@code smtp_tls_verify_cert_match} (hostname), {@code smtp_tls_secure_cert_match} (nexthop,
 *     dot-nexthop), {@code smtp_tls_cert_file}, {@code smtp_tls_key_file} ($smtp_tls_cert_file; PEM,
 *     PKCS#8 key), {@code smtp_tls_loglevel} (0), {@code smtp_starttls_timeout} (300s: the STARTTLS
 *     reply and the handshake). {@code smtp_tls_session_cache_database} is accepted and unused.
 * <li>SASL: {@code smtp_sasl_auth_enable} (no), {@code smtp_sasl_password_maps} (empty; opened
 *     through {@code LookupTables}), {@code smtp_sasl_security_options} (noplaintext, noanonymous),
 *     {@code smtp_sasl_tls_security_options} ($smtp_sasl_security_options),
 *     {@code smtp_sasl_mechanism_filter} (empty), {@code smtp_sasl_auth_soft_bounce} (yes).
 * <li>Routing: {@code relayhost} (to tell its configuration problems), {@code smtp_fallback_relay}
 *     ($fallback_relay), {@code smtp_tcp_port} (smtp), {@code inet_protocols} (all),
 *     {@code smtp_address_preference} (any), {@code smtp_mx_address_limit} (5),
 *     {@code smtp_mx_session_limit} (2), {@code smtp_randomize_addresses} (yes),
 *     {@code smtp_balance_inet_protocols} (yes), {@code smtp_skip_5xx_greeting} (yes). A bad value
 *     is a ConfigException naming the parameter when the client is made.
 * <li>{@code smtp_discard_ehlo_keywords} (empty): EHLO keywords to ignore, any case; those the client
 *     acts on are pipelining, starttls and auth; unknown names are ignored, as Postfix does.
 *     ({@code smtp_discard_ehlo_keyword_address_maps} is not supported.)
 * </ul>
 *
 * <p><b>Queues touched:</b> none; the message is read through a
 * {@link org.postrelay.smtp.MessageSource}, streamed, never held whole in memory.
 *
 * <p><b>Diagnostics:</b> none of the nexthop's or message's trouble is thrown: it is in the results.
 * {@code ConfigException} when the client is made, for a bad TLS/SASL value or an unusable CA file,
 * certificate, key or password table (TLS files are read only at a level above none).
 * {@code IllegalArgumentException} for a destination not in relayhost syntax or an empty recipient
 * list (our bug).
 * Mail-log lines (the TLS summary, "SSL_connect error to h[a]:p: ...", "warning: TLS library
 * problem: ...", certificate verification failures, SASL warnings) go to the {@link
 * org.postrelay.smtp.SmtpLog} the client is given: the engine's maillog as {@code postrelay/smtp},
 * else the logger {@code org.postrelay.smtp} at INFO/WARNING. That logger also has FINE: connect
 * failures per address, dead cached connections. Angus's protocol trace is logger
 * {@code org.eclipse.angus.mail.smtp} at FINE/FINEST.
 * WARNING in Postfix's words for routing: "relayhost configuration problem", "no MX host for d has
 * a valid address record". dnsjava logs through SLF4J and runs one daemon thread of its own
 * ("dnsjava NIO selector") for look-ups.
 */
package org.postrelay.smtp;
