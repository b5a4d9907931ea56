/**
 * tools — the admin commands, with Postfix's options, output, messages and exit status. Each is a
 * class with {@code main(String[])} and a testable {@code run(args, stdin, out, err)} returning the
 * exit status; the scripts in src/bin wrap them.
 *
 * <h2>postmap</h2>
 * {@link org.postrelay.tools.Postmap} builds {@code FILE.prdb} beside a lookup table source and
 * queries ({@code -q}), lists ({@code -s}), updates ({@code -i}) and deletes from ({@code -d})
 * tables; see src/docs/lookup-tables.md. Parameters read: {@code default_database_type}, from
 * {@code main.cf} in {@code -c DIR}, {@code $MAIL_CONFIG} or /etc/postrelay when there is one.
 * Files written: {@code FILE.prdb} only (atomically); queues touched: none.
 */
package org.postrelay.tools;
