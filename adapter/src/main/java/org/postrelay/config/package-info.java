/**
 * config — Postrelay's configuration: Postfix's parameter names, defaults and main.cf syntax, as
 * postconf(5) describes them.
 *
 * <h2>Job</h2>
 * {@link org.postrelay.config.Parameters} is the one table of every known parameter (name, type,
 * default, default time unit, bounds, one-line meaning); everything else derives from it.
 * {@link org.postrelay.config.MainCf} reads a main.cf file. {@link org.postrelay.config.Config} is
 * the immutable result the engine reads: table defaults, overridden by main.cf, overridden by
 * explicit overrides (JCA properties, command-line options), with {@code $name} expansion and typed
 * getters. A {@code Config} is checked completely when it is built, so a bad value fails the start.
 *
 * <h2>main.cf syntax</h2>
 * <ul>
 * <li>{@code name = value}; whitespace around {@code =} is optional; the value runs to the end of
 *     the line, surrounding whitespace removed. There are no trailing comments: {@code #} after the
 *     value is part of it.</li>
 * <li>A line whose first non-blank character is {@code #} is a comment; blank lines are ignored.
 *     Neither ends a logical line.</li>
 * <li>A line starting with whitespace continues the previous one; the pieces are joined with one
 *     space.</li>
 * <li>When a name is defined twice, the last definition wins.</li>
 * <li>Values may refer to other parameters: {@code $name}, {@code ${name}}, {@code $(name)};
 *     {@code ${name?text}} gives text when {@code name} is non-empty, {@code ${name:text}} when it
 *     is empty, {@code ${name?{text1}:{text2}}} one or the other; {@code $$} is a literal dollar.
 *     Expansion is recursive; an undefined name expands to nothing. Postfix 3.0's relational
 *     expressions ({@code ${{a} == {b} ? ...}}) are not supported.</li>
 * </ul>
 *
 * <h2>Values</h2>
 * Booleans: {@code yes}/{@code no} (also {@code true}/{@code false}), any case. Times: a number
 * with an optional unit {@code s m h d w}; a bare number is in the parameter's default unit (days for
 * {@code maximal_queue_lifetime} and {@code bounce_queue_lifetime}, hours for
 * {@code delay_warning_time}, seconds otherwise). Sizes: bytes, a plain integer (no K/M suffixes,
 * as in Postfix). Lists: items separated by commas and/or whitespace; text in braces stays one
 * item ({@code inline:{ a=b, c=d }}, {@code static:{user:pass word}}), as Postfix's mystrtokq.
 *
 * <h2>Lookup tables</h2>
 * {@link org.postrelay.config.LookupTables#open} opens a table named as in main.cf:
 * {@code hash:}, {@code btree:}, {@code lmdb:} (all three read {@code FILE.prdb}, the index written
 * by Postrelay's postmap), {@code texthash:} (the source file read directly), {@code inline:},
 * {@code static:}, {@code proxy:TYPE:NAME} (read directly). Keys are folded to lower case (Unicode
 * case folding); a table is an immutable snapshot safe for any thread, and
 * {@link org.postrelay.config.LookupTable#changed()} tells its owner when to re-open it. A missing
 * or corrupt index, an unknown type or bad inline syntax is a {@code ConfigException}; a stale index
 * is used with Postfix's warning "database FILE.prdb is older than source file FILE". The
 * implementations are in {@code org.postrelay.config.table}; src/docs/lookup-tables.md is the
 * admin's page.
 *
 * <h2>Defaults</h2>
 * Postfix 3.7's, except where Postrelay differs on purpose (each such row's meaning says so):
 * the null-client trio {@code inet_interfaces = loopback-only}, {@code mydestination =} (empty),
 * {@code local_transport = error:local delivery is disabled}; {@code queue_directory =
 * /var/spool/postrelay}, {@code mail_name = Postrelay}, {@code syslog_name = postrelay};
 * {@code mynetworks} is the loopback networks rather than computed from the machine's interfaces.
 * Defaults that depend on Postfix's {@code compatibility_level} are those of level 3.6
 * ({@code append_dot_mydomain = no}, {@code mynetworks_style = host}). {@code myhostname} is the
 * system host name (read from the kernel, never from DNS) with {@code .localdomain} appended when it
 * has no dot; {@code mydomain} is {@code myhostname} minus its first label, following a configured
 * {@code myhostname}. {@code smtp_tls_security_level} is empty, as in Postfix: with
 * {@code smtp_use_tls = yes} the SMTP client then behaves as {@code may}.
 *
 * <h2>Diagnostics</h2>
 * Errors are {@link org.postrelay.config.ConfigException}s that name the source, the parameter, the
 * value and what was expected, e.g.
 * <pre>
 * /etc/postrelay/main.cf, line 7: missing '=' after parameter name: "relayhost [mail]:587"
 * /etc/postrelay/main.cf: bad time value for parameter maximal_backoff_time: "4000x" (expected a number with optional unit s, m, h, d or w)
 * override: bad numerical value for parameter qmgr_message_active_limit: "0" (expected at least 1)
 * /etc/postrelay/main.cf: parameter myorigin: recursive expansion loop: $myorigin -> $mydomain -> $myorigin
 * </pre>
 * Every explicitly set value of a known parameter is checked, as are the defaults that refer to
 * it. Warnings (also logged at WARNING on logger {@code org.postrelay.config}, and returned by
 * {@link org.postrelay.config.Config#warnings()}): a name that is neither in the table nor referred
 * to by another value ({@code main.cf: unused parameter: name=value}, in Postfix's words), and a
 * continuation line with nothing to continue (ignored, as Postfix does).
 *
 * <h2>Queues touched</h2>
 * None. Files read: {@code main.cf} in the configuration directory given to
 * {@link org.postrelay.config.Config#load}; lookup table files ({@code FILE.prdb} for hash:,
 * {@code FILE} for texthash:) when a table is opened.
 */
package org.postrelay.config;
