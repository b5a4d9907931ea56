/**
 * queue — the spool: one file per message under {@code queue_directory}, named by its queue id,
 * moved between queues only by atomic rename, as Postfix's mail_queue.c and mail_stream.c do.
 *
 * <p>Job. {@link org.postrelay.queue.Spool#create} writes a new queue file in incoming/ (typed,
 * length-prefixed records, the message, an END record: src/docs/queue-file.md);
 * {@link org.postrelay.queue.SpoolWriter#commit()} returns only when the message is on disk. With
 * the accept journal ({@link org.postrelay.queue.Spool#startJournal}, which the engine runs), a
 * new message's complete image is appended to a shared, preallocated journal segment and forced
 * once per batch of concurrent committers; its queue file is written afterwards by the journal's
 * file writer and forced only if it is still there 30 s later (delivered mail is removed first, and
 * its removal is a REMOVED record in the same group commit). Without the journal (the commands,
 * large messages, prepared/), the file and its directory entry are forced, and concurrent
 * committers share directory fsyncs (the first waiter fsyncs incoming/ for all whose files were
 * complete before it started; no extra thread).
 * {@link org.postrelay.queue.Spool#read} parses the envelope without loading the message;
 * {@link org.postrelay.queue.Spool#openContent} streams it with a 64 KiB buffer. Recipients are
 * marked done in place and forced; a finished message is removed by unlink + directory fsync.
 *
 * <p>Parameters: {@code queue_directory} (default {@code /var/spool/postrelay}), read by the
 * caller (master) and passed to {@link org.postrelay.queue.Spool#open}. Nothing else.
 *
 * <p>Queues (directories, 0700; files 0600): {@code journal/} (segments of the accept journal;
 * empty after a clean stop), {@code reuse/} (files of removed messages that the journal's file
 * writer overwrites for new ones: inode allocation is costly on ext4 without a journal; never read
 * as messages), {@code maildrop/} (sendmail drops, for pickup),
 * {@code incoming/} (new and requeued messages), {@code active/} (held by qmgr),
 * {@code deferred/} (waiting; the file's mtime is the next attempt time), {@code hold/} (set aside
 * by an admin), {@code corrupt/} (unreadable; kept, never deleted), and {@code defer/} (per-message
 * defer logs: last reason per recipient, informational, not forced). Queue ids are 18 upper-case
 * hex digits; every directory entry and every id given by a caller is checked before a path is
 * built from it.
 *
 * <p>Restart ({@link org.postrelay.queue.Spool#recover()}): the journal is replayed first (each
 * journaled message without a REMOVED record ends up as exactly one forced queue file, each removed
 * one has none; then the segments are deleted); active/ files with END go back to incoming/ (those
 * without to corrupt/); incoming/ and prepared/ files without a complete END record were never
 * acknowledged and are removed; files with END that do not parse go to corrupt/. After a clean stop
 * (the engine's spool closed with no writer open and the journal retired leaves
 * {@code queue_directory/clean-stop}, which recovery deletes durably first) incoming/ is not read.
 * deferred/ and hold/ are not read at start (a million deferred files must not slow it down): an
 * unreadable one is found when qmgr reads it. {@link org.postrelay.queue.QueueListing} reads a
 * queue directory entry by entry (qmgr's scans).
 *
 * <p>Counters: {@link org.postrelay.queue.Spool#stats()} (commits, removes, directory fsyncs,
 * journal forces, queue files forced by the journal's background task) for
 * the benchmark ({@code SpoolCommitBench} in the test sources) and the logs.
 *
 * <p>Diagnostics (logger {@code org.postrelay.queue}):
 * <ul>
 * <li>fatal (environment): an unusable queue directory, a full disk, a failed fsync: an
 *   {@code IOException} naming the operation, queue id and file, e.g. {@code commit queue file
 *   0661...: No space left on device (file /var/spool/postrelay/incoming/0661...)}; the partial
 *   file is removed. A file already gone stays a {@code NoSuchFileException}.</li>
 * <li>warning (recoverable): {@link org.postrelay.queue.CorruptQueueFileException} naming the
 *   problem and byte offset, then "ID: unreadable queue file moved from Q/ to corrupt/ID"; a
 *   directory entry that is not a queue id is skipped with "skipping PATH: not a queue id".</li>
 * <li>warning (journal): "ID: write queue file from the journal ID: REASON (the message is safe
 *   in the journal; tried again later)", "journal: cannot prepare the next segment: REASON (tried
 *   again in 1 s; meanwhile new messages are written as single files)", "journal: cannot retire
 *   SEGMENT", "ID: queue file vanished from the spool (removed by hand?)". A journal that cannot
 *   make a segment (disk full) never refuses mail by itself: commits take the direct path and
 *   removals use the open segment's reserve (src/docs/queue-file.md).</li>
 * <li>severe: an unreadable file that cannot be moved to corrupt/ (it stays where it is); the
 *   journal's background task or file writer stopped by an internal error.</li>
 * <li>info: each partial file removed at restart, each queue file restored from or removed as the
 *   journal records, the journal replay and recovery summaries, segments left at close.</li>
 * </ul>
 * Programming errors (no recipients, a bad attribute name, a recipient index out of range) are
 * {@code IllegalArgumentException}s.
 */
package org.postrelay.queue;
