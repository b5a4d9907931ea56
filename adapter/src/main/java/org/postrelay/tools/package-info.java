/**
 * tools — Postfix's admin commands for Postrelay (postconf, postqueue, mailq, postsuper, postmap;
 * sendmail is a script, src/bin/sendmail, and pickup), with Postfix's flags, output shapes, diagnostics
 * ({@code NAME: warning: ...}, {@code NAME: fatal: ...}, exit status 1) and exit codes.
 *
 * <p><b>Job.</b> Each command is a class with a {@code main} and a testable
 * {@code run(args, env, out, err)} returning the exit status; {@code src/bin/NAME} runs it on the
 * built jar. Options are parsed as POSIX getopt does ({@code Getopt}: grouped flags, attached or
 * separate arguments, {@code --}). The configuration directory is {@code -c DIR}, else
 * {@code $MAIL_CONFIG}, else {@code config_directory}'s default.
 *
 * <p><b>Files written</b> (by {@code postconf -e/-#/-X}): main.cf, replaced atomically (temporary
 * file, forced, renamed, directory forced), and only after the edited text passes the same checks
 * as a start-up.
 *
 * <p><b>postmap</b> ({@link org.postrelay.tools.Postmap}) builds {@code FILE.prdb} beside a lookup
 * table source and queries ({@code -q}), lists ({@code -s}), updates ({@code -i}) and deletes from
 * ({@code -d}) tables; see src/docs/lookup-tables.md. It reads {@code default_database_type}; it
 * writes {@code FILE.prdb} only (atomically).
 *
 * <p><b>Diagnostics:</b> the engine's java.util.logging output is turned off in {@code main}: a
 * command reports on stderr itself, once.
 */
package org.postrelay.tools;
