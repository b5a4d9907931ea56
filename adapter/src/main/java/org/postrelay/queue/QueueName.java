package org.postrelay.queue;

/** The queues of the spool, each a directory under queue_directory named as Postfix names it. */
public enum QueueName {
    /** Files dropped by the sendmail command, waiting for pickup. */
    MAILDROP("maildrop"),
    /** Complete, durable messages not yet taken by qmgr (and, briefly, files being written). */
    INCOMING("incoming"),
    /** Messages held by qmgr: in memory as envelopes, being delivered. */
    ACTIVE("active"),
    /** Messages waiting for their next attempt; the file's mtime is the next attempt time. */
    DEFERRED("deferred"),
    /** Messages set aside by an admin (postsuper -h); never scheduled. */
    HOLD("hold"),
    /** Unreadable queue files: kept for the admin, never deleted, never scheduled. */
    CORRUPT("corrupt"),
    /**
     * Messages sent inside a JTA transaction that is not decided yet: durable, invisible to qmgr;
     * moved to incoming/ on commit, deleted on rollback. Left alone by restart recovery: the
     * transaction manager's recovery decides.
     */
    PREPARED("prepared");

    private final String directoryName;

    QueueName(String directoryName) {
        this.directoryName = directoryName;
    }

    /** The directory under queue_directory, e.g. "incoming". */
    public String directoryName() {
        return directoryName;
    }
}
