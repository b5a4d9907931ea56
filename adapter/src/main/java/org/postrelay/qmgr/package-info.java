/**
 * qmgr — the queue manager: schedules delivery as Postfix's qmgr(8) does.
 *
 * <p>Messages move incoming/ → active/ (at most {@code qmgr_message_active_limit}, default 20000,
 * held in memory as envelopes only) → done, or → deferred/ with the next attempt time as the
 * file's mtime. New mail is announced by cleanup (up to min(limit, 10000) queue ids remembered;
 * beyond that incoming/ is scanned again). incoming/ and deferred/ are read as Postfix's qmgr
 * does (qmgr_scan.c): a pass over each directory reads it entry by entry as the active queue has
 * room, the two taking turns, at most 100 files per turn of the loop, which dispatches between
 * turns: delivery starts with the first message activated, and no pass reads a directory whole.
 * A due deferred file goes straight to active/. A request for a pass while one runs restarts the
 * scan when it ends. Memory is therefore bounded by the active limit, whatever the queue holds:
 * the envelopes of at most {@code qmgr_message_active_limit} messages, their delivery requests,
 * the remembered ids and one directory stream per queue; nothing grows with the number of queued
 * files (about 20-30 MB of heap with a million queued, in the benchmark's 256 MB JVM). Recipients are grouped per nexthop into requests of at most
 * {@code smtp_destination_recipient_limit} (50). Each destination has a concurrency window: it
 * starts at {@code initial_destination_concurrency} (5), grows by one per delivery up to
 * {@code smtp_destination_concurrency_limit} (20), shrinks by one per site failure (connection,
 * greeting, 421), and after {@code smtp_destination_concurrency_failed_cohort_limit} (1) failed
 * cohorts the destination is throttled for {@code minimal_backoff_time}: its mail is deferred with
 * "delivery temporarily suspended" without connecting. All requests together stay within
 * {@code default_process_limit} (100).
 *
 * <p>Retry: after a failed attempt the next is due at now + the message's age, clamped to
 * [{@code minimal_backoff_time} 300s, {@code maximal_backoff_time} 4000s]; deferred/ is scanned
 * every {@code queue_run_delay} (300s) and, as Postfix's qmgr does, takes a message due within the
 * next second. A message still deferred after
 * {@code maximal_queue_lifetime} (5d; {@code bounce_queue_lifetime} 5d for bounces) is returned to
 * its sender. With {@code delay_warning_time} (default 0: off) the sender is warned once.
 * {@code flush} (postqueue -f) lifts every destination's throttle and starts a deferred/ pass that
 * ignores the next attempt times (the pass under way too, as Postfix's QMGR_SCAN_ALL); the files
 * enter the active queue as room frees up.
 *
 * <p>Delivered recipients are marked done on disk before the message can be attempted again; a
 * message delivered whole is removed durably (unlink + directory fsync).
 *
 * <p>Mail log lines: {@code ID: from=<s>, size=N, nrcpt=M (queue active)},
 * {@code ID: to=<r>, relay=..., delay=..., delays=a/b/c/d, dsn=..., status=sent|deferred|bounced (...)},
 * {@code ID: from=<s>, status=expired, returned to sender}, {@code ID: removed}.
 *
 * <p>Diagnostics: an unreadable queue file is moved to corrupt/ (never deleted) with a warning;
 * a file that cannot be moved or marked is logged and stays queued; a message whose settling after
 * delivery failed (disk full, unwritable spool: "ID: cannot settle after delivery: ...") is moved
 * back to incoming/ at the next queue run ("ID: requeued after a spool error"), so it is tried
 * again without a restart (a recipient whose mark was lost may be delivered twice, never lost). A
 * defer log that cannot be written is a warning only.
 */
package org.postrelay.qmgr;
