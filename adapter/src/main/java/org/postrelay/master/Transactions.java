package org.postrelay.master;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.postrelay.cleanup.Cleanup;
import org.postrelay.queue.CorruptQueueFileException;
import org.postrelay.queue.Envelope;
import org.postrelay.queue.QueueId;
import org.postrelay.queue.QueueName;
import org.postrelay.queue.Spool;

/**
 * The engine as a transactional resource: mail sent inside a transaction branch waits, durable, in
 * prepared/ until the transaction manager decides — commit makes it visible to qmgr, rollback
 * deletes it, and after a crash {@link #inDoubt()} lists the branches still waiting. Branches are
 * opaque strings here (the resource adapter encodes its Xids).
 */
public final class Transactions {

    private final Spool spool;
    private final Consumer<QueueId> onCommitted;
    private final Maillog maillog;
    private final Map<String, List<QueueId>> byBranch = new ConcurrentHashMap<>();

    /** Expects the spool recovered ({@code Spool.recover} also clears partial files from prepared/). */
    Transactions(Spool spool, Consumer<QueueId> onCommitted, Maillog maillog) {
        this.spool = spool;
        this.onCommitted = onCommitted;
        this.maillog = maillog;
    }

    /** Notes a message that cleanup wrote to prepared/ for a branch. */
    public void prepared(String branch, QueueId id) {
        byBranch.computeIfAbsent(branch, b -> java.util.Collections.synchronizedList(new ArrayList<>())).add(id);
    }

    /** Whether the branch sent anything (a branch that did not can answer "read-only" to prepare). */
    public boolean hasMessages(String branch) {
        return !messagesOf(branch).isEmpty();
    }

    /** Makes the branch's messages visible to qmgr, durably before returning. */
    public void commit(String branch) throws IOException {
        List<QueueId> ids = messagesOf(branch);
        spool.commitPrepared(ids);
        byBranch.remove(branch);
        for (QueueId id : ids) {
            maillog.log("master", id + ": transaction committed, message queued");
            onCommitted.accept(id);
        }
    }

    /** Deletes the branch's messages. */
    public void rollback(String branch) throws IOException {
        List<QueueId> ids = messagesOf(branch);
        spool.rollbackPrepared(ids);
        byBranch.remove(branch);
        for (QueueId id : ids) {
            maillog.log("master", id + ": transaction rolled back, message removed");
        }
    }

    /** Branches with messages in prepared/: what a transaction manager must decide after a crash. */
    public List<String> inDoubt() throws IOException {
        Set<String> branches = new LinkedHashSet<>();
        spool.forEach(QueueName.PREPARED, id -> {
            String branch = branchOf(id);
            if (branch != null) {
                branches.add(branch);
            }
        });
        return List.copyOf(branches);
    }

    /** The branch's messages: remembered since it sent them, or found in prepared/ after a restart. */
    private List<QueueId> messagesOf(String branch) {
        List<QueueId> known = byBranch.get(branch);
        if (known != null) {
            synchronized (known) {
                return List.copyOf(known);
            }
        }
        List<QueueId> found = new ArrayList<>();
        try {
            spool.forEach(QueueName.PREPARED, id -> {
                if (branch.equals(branchOf(id))) {
                    found.add(id);
                }
            });
        } catch (IOException e) {
            maillog.warning("master", "cannot scan prepared/ for transaction " + branch + ": " + e.getMessage());
        }
        return found;
    }

    private String branchOf(QueueId id) {
        try {
            Envelope envelope = spool.read(QueueName.PREPARED, id);
            return envelope.attributes().get(Cleanup.TRANSACTION_ATTRIBUTE);
        } catch (CorruptQueueFileException e) {
            maillog.warning("master", id + ": unreadable prepared queue file, moved to corrupt/: " + e.getMessage());
            spool.moveToCorrupt(QueueName.PREPARED, id);
            return null;
        } catch (IOException e) {
            return null;                                 // removed meanwhile, or a partial file
        }
    }
}
