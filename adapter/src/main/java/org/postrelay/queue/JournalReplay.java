package org.postrelay.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Restart recovery of the accept journal (src/docs/queue-file.md, "Recovery"): every message whose
 * image is in a segment and that has no REMOVED record ends up as exactly one forced queue file
 * (the one already in the spool if it is complete, else one rewritten from the image into
 * incoming/); every message with a REMOVED record has no queue file left. Only then are the
 * segments deleted. Running it again after a crash midway does the same work again, harmlessly.
 */
final class JournalReplay {

    private static final Logger LOG = Logger.getLogger("org.postrelay.queue");
    /** Where a journaled message's queue file can be: everywhere qmgr, postsuper or recovery move it. */
    static final List<QueueName> QUEUES = List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED,
            QueueName.HOLD, QueueName.CORRUPT);

    /** What a replay did: queue files rewritten from the journal, found and forced, and deleted. */
    record Result(int restored, int kept, int removed, int segments) {
    }

    private JournalReplay() {
    }

    static Result replay(Spool spool, Path directory, DirectorySync journalSync) throws IOException {
        List<Path> files = Journal.segments(directory);
        if (files.isEmpty()) {
            return new Result(0, 0, 0, 0);
        }
        Set<QueueId> removedIds = new HashSet<>();
        for (Path file : files) {
            read(file, (type, id, payload, offset, length) -> {
                if (type == JournalSegment.REMOVED) {
                    removedIds.add(id);
                }
            });
        }
        Set<QueueId> seen = new HashSet<>();
        Set<QueueName> touched = EnumSet.noneOf(QueueName.class);
        int[] restored = {0};
        int[] kept = {0};
        for (Path file : files) {
            read(file, (type, id, payload, offset, length) -> {
                if (type != JournalSegment.IMAGE || removedIds.contains(id) || !seen.add(id)) {
                    return;
                }
                QueueName found = spool.findCompleteForReplay(id, touched);
                if (found != null && !spool.matchesImage(found, id, payload, offset, length)) {
                    LOG.info(id + ": the file in " + found.directoryName() + "/ is not the journaled message "
                            + "(a reused file whose new content was lost): rewritten from the journal");
                    if (found != QueueName.CORRUPT) {    // corrupt/ is the admin's: never deleted
                        Files.delete(spool.path(found, id));
                        touched.add(found);
                    }
                    found = null;
                }
                if (found != null) {
                    spool.forceQueueFile(found, id);
                    touched.add(found);
                    kept[0]++;
                } else {
                    QueueName target = spool.restoreFromJournal(id, payload, offset, length);
                    touched.add(target);
                    restored[0]++;
                    LOG.info(id + ": queue file restored from the journal into " + target.directoryName() + "/");
                }
            });
        }
        int removed = 0;
        for (QueueId id : removedIds) {
            boolean any = false;
            for (QueueName queue : QUEUES) {
                if (queue != QueueName.CORRUPT && Files.deleteIfExists(spool.path(queue, id))) {
                    touched.add(queue);
                    any = true;
                }
            }
            spool.deleteDeferLog(id);
            if (any) {
                removed++;
                LOG.info(id + ": removed after restart: the journal records its removal");
            }
        }
        for (QueueName queue : touched) {
            spool.sync(queue).sync();
        }
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
        journalSync.sync();
        Result result = new Result(restored[0], kept[0], removed, files.size());
        LOG.info("journal replay in " + directory + ": " + result);
        return result;
    }

    private static void read(Path file, JournalSegment.Visitor visitor) throws IOException {
        long sequence = JournalSegment.sequenceOf(file.getFileName().toString());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            JournalSegment.read(channel, sequence, visitor);
        } catch (IOException e) {
            throw new IOException("replay journal segment " + file + ": " + Spool.reason(e), e);
        }
    }
}
