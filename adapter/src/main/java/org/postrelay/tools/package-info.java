/**
 * tools — Postfix's admin commands for Postrelay (postconf, and in later work postqueue, postsuper,
 * postmap, mailq, sendmail), with Postfix's flags, output shapes, diagnostics
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
 * <p><b>Diagnostics:</b> the engine's java.util.logging output is turned off in {@code main}: a
 * command reports on stderr itself, once.
 */
package org.postrelay.tools;
