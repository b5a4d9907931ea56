/**
 * master — starts, wires, supervises and stops the engine; the embedding entry point.
 *
 * <p>{@link org.postrelay.master.Master#start(java.util.Map)} (or from a configuration directory
 * holding {@code main.cf}) recovers the spool (replaying its accept journal), starts the spool's
 * accept journal and the queue manager and hands out a
 * {@link org.postrelay.api.RelayConnectionFactory}. Work runs on {@link
 * org.postrelay.master.Workers}: a thread pool of {@code default_process_limit} + 12 threads when
 * embedded (qmgr's loop, the journal's file writer and background task and its helpers, the mail
 * log writer), the container's {@code WorkManager} inside an application server.
 *
 * <p>The mail log ({@link org.postrelay.master.Maillog}) goes to {@code maillog_file} when set, in
 * Postfix's line format, else to the {@code org.postrelay.maillog} logger. Lines are queued and
 * appended in order by a writer task, so no sender or delivery waits for the disk to log.
 *
 * <p>{@link org.postrelay.master.MasterCf} parses {@code master.cf} in Postfix's syntax (fields,
 * continuation lines, comments, {@code -o name=value} and {@code -o { name = value }}) for the
 * standalone daemon, which runs an smtpd listener per {@code inet} line whose command is
 * {@code smtpd}; a malformed line is a {@link org.postrelay.config.ConfigException} naming the file
 * and line ({@code /etc/postrelay/master.cf: line 12: bad field count 7 ...}).
 *
 * <p>Besides the spool's queues, the engine keeps {@code pid/master.pid} (the {@link
 * org.postrelay.master.MasterLock}), {@code pid/master.out} (the daemon's console) and the control
 * socket {@code public/qmgr} under {@code queue_directory}, all created private to their owner
 * (directories 0700, files 0600) whatever the umask ({@link org.postrelay.master.PrivateFiles}).
 *
 * <p>Parameters: {@code queue_directory} (default {@code /var/spool/postrelay}),
 * {@code maillog_file} (default empty), {@code syslog_name} (default {@code postrelay}),
 * {@code default_process_limit} (default 100).
 *
 * <p>Diagnostics: a bad parameter value fails {@code start} with a
 * {@link org.postrelay.config.ConfigException} naming it; an unusable queue directory fails it with
 * an {@code IOException} naming the path; unused parameters are logged as warnings.
 */
package org.postrelay.master;
