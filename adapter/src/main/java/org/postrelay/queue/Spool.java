package org.postrelay.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The spool: one file per message under queue_directory, named by its queue id, moved between
 * queue directories only by atomic rename (Postfix's mail_queue.c and mail_stream.c). With a
 * journal ({@link #startJournal}), new messages are acknowledged once their image is forced in the
 * group-committed journal; their queue files are forced later, or never if they are removed first
 * (src/docs/queue-file.md). Thread-safe.
 */
public final class Spool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("org.postrelay.queue");
    private static final String DEFER_DIRECTORY = "defer";
    private static final int CREATE_ATTEMPTS = 10;
    private static final int MAX_STRAY_WARNINGS = 1000;
    private static final String REUSE_DIRECTORY = "reuse";
    /** Files of removed messages kept for reuse: at most this many, each at most REUSE_MAX_SIZE bytes. */
    private static final int REUSE_MAX = 4096;
    private static final long REUSE_MAX_SIZE = 64 * 1024;
    /** Written by a clean stop of the engine's spool, deleted (durably) by the next recovery. */
    static final String CLEAN_STOP = "clean-stop";

    private final Path directory;
    private final Map<QueueName, Path> queues = new EnumMap<>(QueueName.class);
    private final Map<QueueName, DirectorySync> syncs = new EnumMap<>(QueueName.class);
    private final Path deferDirectory;
    private final Path journalDirectory;
    private final Path reuseDirectory;
    private final java.util.Queue<Path> reusable = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger reusableCount = new java.util.concurrent.atomic.AtomicInteger();
    private final DirectorySync journalSync;
    private final DirectorySync topSync;
    private final FileAttribute<?>[] fileAttributes;
    private final FileAttribute<?>[] directoryAttributes;
    private final Set<QueueId> beingWritten = ConcurrentHashMap.newKeySet();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong removes = new AtomicLong();
    private final Set<Path> strayNamesWarned = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile boolean recovered;                  // this instance ran recover(): the engine's spool
    private volatile boolean partialLeft;                // a writer could not remove its aborted file
    private volatile Journal journal;
    private volatile Consumer<QueueId> fileListener;

    private Spool(Path directory, FileAttribute<?>[] fileAttributes, FileAttribute<?>[] directoryAttributes,
                  DirectorySync.Syncer syncer) throws IOException {
        this.directory = directory;
        this.fileAttributes = fileAttributes;
        this.directoryAttributes = directoryAttributes;
        makeDirectory(directory, directoryAttributes, true);
        for (QueueName q : QueueName.values()) {
            Path dir = directory.resolve(q.directoryName());
            makeDirectory(dir, directoryAttributes, false);
            queues.put(q, dir);
            syncs.put(q, new DirectorySync(dir, syncer));
        }
        this.deferDirectory = directory.resolve(DEFER_DIRECTORY);
        makeDirectory(deferDirectory, directoryAttributes, false);
        this.journalDirectory = directory.resolve(Journal.DIRECTORY);
        this.reuseDirectory = directory.resolve(REUSE_DIRECTORY);
        this.journalSync = new DirectorySync(journalDirectory, syncer);
        this.topSync = new DirectorySync(directory, syncer);
    }

    /** Opens (creating if needed: directories 0700, files 0600) the spool under queue_directory. */
    public static Spool open(Path queueDirectory) throws IOException {
        return open(queueDirectory, DirectorySync.platformSyncer());
    }

    /** As {@link #open(Path)} with a chosen directory fsync (tests inject failures). */
    static Spool open(Path queueDirectory, DirectorySync.Syncer syncer) throws IOException {
        Path dir = queueDirectory.toAbsolutePath().normalize();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] files = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        FileAttribute<?>[] dirs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0];
        return new Spool(dir, files, dirs, syncer);
    }

    private static void makeDirectory(Path dir, FileAttribute<?>[] attributes, boolean withParents) throws IOException {
        try {
            if (withParents) {
                Files.createDirectories(dir, attributes);
            } else if (!Files.isDirectory(dir)) {
                Files.createDirectory(dir, attributes);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException("open queue directory: " + dir + " exists and is not a directory "
                    + "(check parameter queue_directory)", e);
        } catch (IOException e) {
            throw new IOException("open queue directory: cannot create " + dir + ": " + reason(e)
                    + " (check parameter queue_directory)", e);
        }
    }

    /** queue_directory, absolute. */
    public Path directory() {
        return directory;
    }

    /**
     * Turns on the accept journal: from now on a new message for incoming/ is acknowledged once its
     * image is forced in the shared journal (one fdatasync per batch of concurrent committers)
     * instead of by forcing its own file and directory. Its queue file is written after that, off
     * the committer's path, by the journal's file writer, which then tells {@code fileReady} (qmgr:
     * the message can be taken; until then {@link #isBeingWritten} is true). Call after
     * {@link #recover()}, which replays what an earlier run left in the journal. Its background
     * tasks (the file writer; a spare segment kept ready, queue files forced after a grace period,
     * finished segments deleted) run on {@code background} until {@link #close()}.
     *
     * @throws IllegalStateException if the journal directory still holds segments (recover first)
     */
    public void startJournal(Executor background, Consumer<QueueId> fileReady) throws IOException {
        startJournal(background, fileReady, Journal.Settings.DEFAULT);
    }

    synchronized void startJournal(Executor background, Consumer<QueueId> fileReady, Journal.Settings settings)
            throws IOException {
        this.fileListener = fileReady;
        if (journal != null) {
            throw new IllegalStateException("the journal of " + directory + " is already started");
        }
        if (closed) {
            throw new IOException("start journal: the spool " + directory + " is closed");
        }
        makeDirectory(journalDirectory, directoryAttributes, false);
        makeDirectory(reuseDirectory, directoryAttributes, false);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(reuseDirectory)) {
            for (Path file : files) {                // what the last run left for reuse
                if (reusableCount.get() < REUSE_MAX && QueueId.isValid(file.getFileName().toString())) {
                    reusable.add(file);
                    reusableCount.incrementAndGet();
                }
            }
        }
        journal = Journal.start(this, journalDirectory, journalSync, fileAttributes, background, settings);
    }

    /**
     * Starts a new message in incoming/: writes the envelope records now; the caller streams the
     * RFC 5322 content (CRLF) to content() and commits. Until then {@link #isBeingWritten} is true
     * for its id and qmgr must leave the file alone.
     */
    public SpoolWriter create(String sender, List<String> recipients, Map<String, String> attributes,
                              Instant arrival, Instant nextWarning) throws IOException {
        return create(QueueName.INCOMING, sender, recipients, attributes, arrival, nextWarning);
    }

    /**
     * Starts a new message in {@code target}: incoming/ for ordinary mail, prepared/ for mail sent
     * inside a transaction (see {@link #commitPrepared}).
     */
    public SpoolWriter create(QueueName target, String sender, List<String> recipients,
                              Map<String, String> attributes, Instant arrival, Instant nextWarning)
            throws IOException {
        if (target != QueueName.INCOMING && target != QueueName.PREPARED) {
            throw new IllegalArgumentException("create queue file: new messages go to incoming/ or prepared/, not "
                    + target.directoryName() + "/");
        }
        Objects.requireNonNull(sender, "sender (use \"\" for the null sender)");
        Objects.requireNonNull(arrival, "arrival");
        if (recipients == null || recipients.isEmpty()) {
            throw new IllegalArgumentException("create queue file: no recipients");
        }
        byte[] header = QueueFile.header(sender, recipients, attributes == null ? Map.of() : attributes,
                arrival, nextWarning);
        if (closed) {
            throw new IOException("create queue file: the spool " + directory + " is closed");
        }
        Journal j = target == QueueName.INCOMING ? journal : null;
        if (j != null) {
            return createJournaled(j, header);
        }
        for (int attempt = 0; ; attempt++) {
            QueueId id = QueueId.next();
            Path file = path(target, id);
            FileChannel channel;
            beingWritten.add(id);
            if (closed) {                        // close() looks at beingWritten after setting closed
                beingWritten.remove(id);
                throw new IOException("create queue file: the spool " + directory + " is closed");
            }
            try {
                channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        fileAttributes);
            } catch (FileAlreadyExistsException e) {
                beingWritten.remove(id);
                if (attempt < CREATE_ATTEMPTS) {
                    continue;                    // another process made the same id: take the next
                }
                throw failure("create queue file", id, file, e);
            } catch (IOException e) {
                beingWritten.remove(id);
                throw failure("create queue file", id, file, e);
            }
            try {
                return new QueueFileWriter(this, id, file, channel, header, syncs.get(target),
                        target == QueueName.INCOMING ? journal : null);
            } catch (IOException e) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the delete below is what matters
                }
                Files.deleteIfExists(file);
                beingWritten.remove(id);
                throw failure("create queue file", id, file, e);
            }
        }
    }

    /**
     * A new message for the journal: its queue file is made only once the message is durable (by
     * the journal's file writer), or earlier if it outgrows the writer's buffer.
     */
    private SpoolWriter createJournaled(Journal j, byte[] header) throws IOException {
        // No look-up of the name on this path (a directory look-up can wait behind a create): ids
        // are unique in this JVM and only this engine, which holds the spool's lock, writes to
        // incoming/; the file is still made exclusively, and a clash is reported then.
        QueueId id = QueueId.next();
        beingWritten.add(id);
        if (closed) {
            beingWritten.remove(id);
            throw new IOException("create queue file: the spool " + directory + " is closed");
        }
        return new QueueFileWriter(this, id, path(QueueName.INCOMING, id), null, header,
                syncs.get(QueueName.INCOMING), j);
    }

    /** Creates a new queue file exclusively, 0600. */
    FileChannel createQueueFile(Path file) throws IOException {
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileAttributes);
    }

    /**
     * The journal's file writer: writes a durable (journaled) message's queue file into incoming/,
     * unforced, from its image; a file cut short by a failure is removed.
     */
    void writeJournaledFile(QueueId id, byte[] image, int length) throws IOException {
        Path file = path(QueueName.INCOMING, id);
        if (writeIntoReused(file, image, length)) {
            return;
        }
        FileChannel created;
        try {
            created = createQueueFile(file);
        } catch (IOException e) {                // a clash leaves the other file alone
            throw failure("write queue file from the journal", id, file, e);
        }
        try (FileChannel channel = created) {
            ByteBuffer b = ByteBuffer.wrap(image, 0, length);
            long at = 0;
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // recovery removes a file without END
            }
            throw failure("write queue file from the journal", id, file, e);
        }
    }

    /** A journaled message's queue file is in incoming/: qmgr may take it now. */
    void fileReady(QueueId id) {
        beingWritten.remove(id);
        Consumer<QueueId> listener = fileListener;
        if (listener != null) {
            listener.accept(id);
        }
    }

    /** Whether a writer of this spool is still writing (or committing) that incoming/ file. */
    public boolean isBeingWritten(QueueId id) {
        return beingWritten.contains(id);
    }

    /** Parses the queue file's envelope (not the content); CorruptQueueFileException if unparseable. */
    public Envelope read(QueueName queue, QueueId id) throws IOException {
        Path file = path(queue, id);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return QueueFile.parse(channel, id, file).envelope();
        } catch (CorruptQueueFileException e) {
            throw e;
        } catch (IOException e) {
            throw failure("read queue file", id, file, e);
        }
    }

    /** Streams the message bytes of a queue file (bounded memory); the caller closes the stream. */
    public InputStream openContent(QueueName queue, Envelope envelope) throws IOException {
        QueueId id = envelope.id();
        Path file = path(queue, id);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw failure("open message content of queue file", id, file, e);
        }
        try {
            long end = envelope.contentOffset() + envelope.contentLength();
            if (envelope.contentOffset() < 0 || envelope.contentLength() < 0 || channel.size() < end) {
                throw new CorruptQueueFileException("queue file " + id + ": content [" + envelope.contentOffset()
                        + ", " + end + ") beyond the end of the file (size " + channel.size() + ", file " + file + ")");
            }
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new ContentInputStream(channel, envelope.contentOffset(), envelope.contentLength(),
                "queue file " + id + " (file " + file + ")");
    }

    /** The file of a message in a queue; the id is valid by construction, so the path stays inside. */
    public Path path(QueueName queue, QueueId id) {
        return queues.get(Objects.requireNonNull(queue, "queue")).resolve(Objects.requireNonNull(id, "id").toString());
    }

    /**
     * Marks recipients done in place (DELIVERED or BOUNCED) and forces the file before returning; a
     * message that is durable only through the journal has its directory entry forced too, so the
     * marks cannot be lost to a replay of its original image.
     */
    public void markRecipients(QueueName queue, QueueId id, Map<Integer, RecipientStatus> marks) throws IOException {
        if (marks.isEmpty()) {
            return;
        }
        Path file = path(queue, id);
        JournalEntry entry = journalEntry(id);
        if (entry == null) {
            writeMarks(queue, id, file, marks);
            return;
        }
        synchronized (entry) {
            writeMarks(queue, id, file, marks);
            materializeNow(entry, queue, file);
        }
    }

    private void writeMarks(QueueName queue, QueueId id, Path file, Map<Integer, RecipientStatus> marks)
            throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long[] offsets = QueueFile.parse(channel, id, file).statusOffsets();
            for (Map.Entry<Integer, RecipientStatus> mark : marks.entrySet()) {
                int index = mark.getKey();
                if (index < 0 || index >= offsets.length) {
                    throw new IllegalArgumentException("mark recipients in queue file " + id + ": no recipient #"
                            + index + " (it has " + offsets.length + ")");
                }
                ByteBuffer status = ByteBuffer.wrap(new byte[] {Objects.requireNonNull(mark.getValue()).code()});
                while (status.hasRemaining()) {
                    channel.write(status, offsets[index]);
                }
            }
            channel.force(false);                // data only: the size does not change
        } catch (CorruptQueueFileException e) {
            throw e;
        } catch (IOException e) {
            throw failure("mark recipients in queue file", id, file, e);
        }
    }

    /**
     * Makes a journaled message's queue file durable on its own (file and directory forced), so
     * that an in-place change is never undone by replaying the image. Holding the entry's monitor.
     */
    private void materializeNow(JournalEntry entry, QueueName queue, Path file) throws IOException {
        if (entry.state() != JournalEntry.State.LIVE) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw failure("force queue file", entry.id, file, e);
        }
        try {
            syncs.get(queue).sync();
        } catch (IOException e) {
            throw failure("force queue file (directory fsync of " + file.getParent() + ")", entry.id, file, e);
        }
        entry.state(JournalEntry.State.MATERIALIZED);
    }

    /** Clears the pending delay warning (control record) in place, forced (with its directory, if journaled). */
    public void clearWarning(QueueName queue, QueueId id) throws IOException {
        Path file = path(queue, id);
        JournalEntry entry = journalEntry(id);
        if (entry == null) {
            writeNoWarning(id, file);
            return;
        }
        synchronized (entry) {
            writeNoWarning(id, file);
            materializeNow(entry, queue, file);
        }
    }

    private void writeNoWarning(QueueId id, Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            QueueFile.parse(channel, id, file);  // never write into a file that is not a sound queue file
            ByteBuffer none = QueueFile.instantField(null);
            while (none.hasRemaining()) {
                channel.write(none, QueueFile.CONTROL_PAYLOAD_OFFSET + none.position());
            }
            channel.force(false);
        } catch (CorruptQueueFileException e) {
            throw e;
        } catch (IOException e) {
            throw failure("clear delay warning in queue file", id, file, e);
        }
    }

    /**
     * Moves a message between queues by atomic rename. Refuses to replace a file of the same name
     * in the target (FileAlreadyExistsException); NoSuchFileException if it is not in {@code from}.
     * Not forced: after a crash the file is in one directory or the other, and either is safe.
     */
    public void move(QueueId id, QueueName from, QueueName to) throws IOException {
        Path source = path(from, id);
        Path target = path(to, id);
        if (from == to) {
            return;
        }
        JournalEntry entry = journalEntry(id);
        if (entry == null) {
            rename(id, source, target, to);
            return;
        }
        synchronized (entry) {                   // the background task sees either side of the rename
            rename(id, source, target, to);
            entry.moved();
        }
    }

    private static void rename(QueueId id, Path source, Path target, QueueName to) throws IOException {
        try {
            if (Files.exists(target)) {
                throw new FileAlreadyExistsException(target.toString(), null, "file exists");
            }
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw failure("move queue file to " + to.directoryName() + "/", id, source, e);
        }
    }

    /** Sets the next attempt time: the file's mtime, as in Postfix. Call it after any in-place write. */
    public void setNextAttempt(QueueName queue, QueueId id, Instant when) throws IOException {
        Path file = path(queue, id);
        try {
            Files.setLastModifiedTime(file, FileTime.from(when));
        } catch (IOException e) {
            throw failure("set next attempt time of queue file", id, file, e);
        }
    }

    /** The next attempt time (the file's mtime). */
    public Instant nextAttempt(QueueName queue, QueueId id) throws IOException {
        Path file = path(queue, id);
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            throw failure("get next attempt time of queue file", id, file, e);
        }
    }

    /**
     * Deletes a finished message durably: unlink, then a (group-committed) directory fsync, or, for
     * a message whose acknowledgement still rests on the journal, a forced REMOVED record there
     * (shared with concurrent committers), so that no replay brings it back. Also its defer log.
     */
    public void remove(QueueName queue, QueueId id) throws IOException {
        Path file = path(queue, id);
        JournalEntry entry = journalEntry(id);
        if (entry == null) {
            unlink(id, file);
            try {
                syncs.get(queue).sync();
            } catch (IOException e) {
                throw failure("remove queue file (directory fsync of " + file.getParent() + ")", id, file, e);
            }
        } else {
            synchronized (entry) {               // unlinked only if it is really there: then recorded
                unlink(id, file);
                entry.state(JournalEntry.State.REMOVING);
            }
            try {
                journal.removed(id);
                entry.state(JournalEntry.State.REMOVED);
            } catch (IOException e) {
                entry.state(JournalEntry.State.OWES_REMOVAL);      // the background task tries again
                throw failure("remove queue file (journal)", id, file, e);
            }
        }
        removes.incrementAndGet();
    }

    /**
     * Takes a finished message's file out of its queue: with the journal running, a small file is
     * renamed into reuse/ for the file writer's next message (no inode is freed and allocated again:
     * on ext4 without a journal, allocating an inode scans every recently deleted one, ~0.7 ms of
     * CPU per file under steady churn, against ~0.1 ms for the renames); otherwise it is unlinked.
     */
    private void unlink(QueueId id, Path file) throws IOException {
        try {
            if (!recycle(file)) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw failure("remove queue file", id, file, e);
        }
        deleteDeferLog(id);
    }

    private boolean recycle(Path file) throws IOException {
        Journal j = journal;
        if (j == null || reusableCount.get() >= REUSE_MAX || j.shortOfSpace()) {
            return false;
        }
        long size = Files.size(file);                // NoSuchFileException: not there, as unlink would say
        if (size > REUSE_MAX_SIZE) {
            return false;
        }
        Path target = reuseDirectory.resolve(file.getFileName());
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        reusable.add(target);
        reusableCount.incrementAndGet();
        return true;
    }

    /**
     * The file writer's new queue file: a reused one, overwritten with the image, truncated and
     * renamed into incoming/; null when none is at hand (or it failed: the caller creates one).
     */
    private boolean writeIntoReused(Path file, byte[] image, int length) {
        Path reused = reusable.poll();
        if (reused == null) {
            return false;
        }
        reusableCount.decrementAndGet();
        try {
            try (FileChannel channel = FileChannel.open(reused, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(image, 0, length);
                long at = 0;
                while (b.hasRemaining()) {
                    at += channel.write(b, at);
                }
                channel.truncate(length);
            }
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            Files.move(reused, file, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            LOG.fine("cannot reuse " + reused + " for " + file + ": " + e + " (a new file is made)");
            try {
                Files.deleteIfExists(reused);
            } catch (IOException ignored) {
                // reuse/ is never read: a leftover does no harm
            }
            return false;
        }
    }

    /** Deletes the files kept in reuse/ (the disk is full: their space is needed). */
    void releaseReusable() {
        for (Path reused = reusable.poll(); reused != null; reused = reusable.poll()) {
            reusableCount.decrementAndGet();
            try {
                Files.deleteIfExists(reused);
            } catch (IOException e) {
                LOG.fine("cannot delete " + reused + ": " + e);
            }
        }
    }

    void deleteDeferLog(QueueId id) {
        try {
            Files.deleteIfExists(deferDirectory.resolve(id.toString()));
        } catch (IOException e) {
            LOG.warning(id + ": cannot remove defer log " + deferDirectory.resolve(id.toString()) + ": " + reason(e));
        }
    }

    private JournalEntry journalEntry(QueueId id) {
        Journal j = journal;
        return j == null ? null : j.entry(id);
    }

    /** Sets an unreadable file aside in corrupt/: never deletes; logs a warning (or, if it fails, a severe error). */
    public void moveToCorrupt(QueueName queue, QueueId id) {
        if (queue == QueueName.CORRUPT) {
            return;
        }
        Path source = path(queue, id);
        Path target = path(QueueName.CORRUPT, id);
        try {
            if (Files.exists(target)) {      // keep both: the one already there is not ours to replace
                target = target.resolveSibling(id + "." + System.currentTimeMillis());
            }
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            LOG.warning(id + ": unreadable queue file moved from " + queue.directoryName() + "/ to " + target);
        } catch (IOException e) {
            LOG.log(Level.SEVERE, id + ": cannot move unreadable queue file " + source + " to corrupt/: "
                    + reason(e) + " (it stays where it is; move it by hand)", e);
        }
    }

    /** Streams the ids in a queue (directory iteration, bounded memory); names that are not queue ids are skipped and logged. */
    public void forEach(QueueName queue, Consumer<QueueId> action) throws IOException {
        try (QueueListing listing = list(queue)) {
            for (QueueId id = listing.next(); id != null; id = listing.next()) {
                action.accept(id);
            }
        }
    }

    /**
     * Opens one pass over a queue that reads the directory as it is consumed (bounded memory; the
     * caller may stop and resume it later, as qmgr does between deliveries); the caller closes it.
     */
    public QueueListing list(QueueName queue) throws IOException {
        Path dir = queues.get(queue);
        try {
            return new QueueListing(this, queue, Files.newDirectoryStream(dir));
        } catch (IOException e) {
            throw new IOException("scan queue " + queue.directoryName() + ": " + reason(e) + " (directory " + dir + ")", e);
        }
    }

    /** The queue id an entry of a queue directory names, or null (a stray name, logged once per name). */
    QueueId queueIdOf(QueueName queue, Path entry) {
        String name = entry.getFileName().toString();
        if (QueueId.isValid(name)) {
            return QueueId.parse(name);
        }
        if (strayNamesWarned.size() < MAX_STRAY_WARNINGS && strayNamesWarned.add(entry)) {
            LOG.warning("skipping " + entry + ": not a queue id (a stray file in the " + queue.directoryName()
                    + " queue; move it away)");     // once per name: qmgr scans incoming/ often
        }
        return null;
    }

    /** How many messages a queue holds (a directory scan). */
    public long count(QueueName queue) throws IOException {
        long[] n = {0};
        forEach(queue, id -> n[0]++);
        return n[0];
    }

    /** Defer log (Postfix's defer/ directory): last reason per recipient address; informational, not forced. */
    public void writeDeferReasons(QueueId id, Map<String, String> reasonByRecipient) throws IOException {
        Path log = deferDirectory.resolve(id.toString());
        try {
            DeferLog.write(log, reasonByRecipient, fileAttributes);
        } catch (IOException e) {
            throw failure("write defer log of", id, log, e);
        }
    }

    /** The defer log's reasons by recipient address; empty if none. */
    public Map<String, String> readDeferReasons(QueueId id) throws IOException {
        Path log = deferDirectory.resolve(id.toString());
        try {
            return DeferLog.read(log);
        } catch (IOException e) {
            throw failure("read defer log of", id, log, e);
        }
    }

    /**
     * Restart: active/ back to incoming/ (files without END to corrupt/: they had been acknowledged);
     * incoming/ and prepared/ files without END removed (never acknowledged), those with END that do
     * not parse to corrupt/. After a clean stop of the engine's spool ({@link #close()} left its
     * marker) incoming/ is not read at all: no writer was in flight, so it holds no partial file.
     * Files requeued from active/ are checked by their END record only; like deferred/ and hold/,
     * they are parsed when qmgr reads them (an unparseable one goes to corrupt/ then).
     * First, what an earlier run left in the journal is replayed ({@link #replayJournal()}).
     */
    public RecoveryReport recover() throws IOException {
        JournalReplay.Result replayed = replay();
        boolean cleanStop = takeCleanStopMarker();
        int[] requeued = {0};
        int[] partial = {0};
        int[] corrupt = {0};
        int[] kept = {0};
        forEach(QueueName.ACTIVE, id -> {
            switch (checkEnd(QueueName.ACTIVE, id)) {
                case COMPLETE -> {
                    try {
                        move(id, QueueName.ACTIVE, QueueName.INCOMING);
                        requeued[0]++;
                    } catch (IOException e) {
                        LOG.log(Level.SEVERE, id + ": cannot requeue from active/: " + e.getMessage(), e);
                    }
                }
                case PARTIAL, CORRUPT -> {       // it was acknowledged once: keep it, never delete
                    moveToCorrupt(QueueName.ACTIVE, id);
                    corrupt[0]++;
                }
                default -> { }
            }
        });
        // incoming/ and prepared/ alike: a file without END was never acknowledged. Complete prepared
        // files wait for the transaction manager's decision (Transactions.inDoubt).
        for (QueueName queue : cleanStop ? List.of(QueueName.PREPARED) : List.of(QueueName.INCOMING, QueueName.PREPARED)) {
            forEach(queue, id -> {
                if (isBeingWritten(id)) {
                    return;
                }
                switch (check(queue, id)) {
                    case COMPLETE -> {
                        if (queue == QueueName.INCOMING) {
                            kept[0]++;
                        }
                    }
                    case PARTIAL -> {
                        Path file = path(queue, id);
                        try {
                            Files.deleteIfExists(file);
                            partial[0]++;
                            LOG.info(id + ": removed unacknowledged partial queue file " + file);
                        } catch (IOException e) {
                            LOG.log(Level.SEVERE, id + ": cannot remove partial queue file " + file + ": " + reason(e), e);
                        }
                    }
                    case CORRUPT -> {
                        moveToCorrupt(queue, id);
                        corrupt[0]++;
                    }
                    default -> { }
                }
            });
        }
        if (requeued[0] + partial[0] + corrupt[0] > 0) {
            for (QueueName q : List.of(QueueName.ACTIVE, QueueName.INCOMING, QueueName.PREPARED, QueueName.CORRUPT)) {
                try {
                    syncs.get(q).sync();
                } catch (IOException e) {
                    throw new IOException("recover spool: directory fsync of " + queues.get(q) + ": " + reason(e), e);
                }
            }
        }
        RecoveryReport report = new RecoveryReport(requeued[0], partial[0], corrupt[0], kept[0], replayed.restored(),
                replayed.removed(), cleanStop);
        recovered = true;
        LOG.info("spool recovery in " + directory + ": " + report);
        return report;
    }

    /**
     * Whether the last run stopped cleanly (its marker is there); the marker is deleted durably
     * first, so that a crash of this run can never be taken for a clean stop.
     */
    private boolean takeCleanStopMarker() throws IOException {
        Path marker = directory.resolve(CLEAN_STOP);
        if (!Files.exists(marker)) {
            return false;
        }
        try {
            Files.delete(marker);
            topSync.sync();
        } catch (IOException e) {
            throw new IOException("recover spool: cannot remove " + marker + ": " + reason(e), e);
        }
        return true;
    }

    /**
     * At the close of the engine's spool: marks a clean stop when nothing can be partial (no writer
     * open, none left a file it could not remove, the journal retired), so that the next recovery
     * need not read incoming/. The removals of aborted files are made durable first.
     */
    private void markCleanStop() {
        if (!recovered || partialLeft || !beingWritten.isEmpty()) {
            return;
        }
        Path marker = directory.resolve(CLEAN_STOP);
        try {
            if (Files.isDirectory(journalDirectory)) {
                try (DirectoryStream<Path> left = Files.newDirectoryStream(journalDirectory)) {
                    if (left.iterator().hasNext()) {
                        return;                  // the next start replays it: no shortcut
                    }
                }
            }
            syncs.get(QueueName.INCOMING).sync();
            syncs.get(QueueName.PREPARED).sync();
            try (FileChannel channel = FileChannel.open(marker, Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), fileAttributes)) {
                channel.write(ByteBuffer.wrap(("clean stop at " + Instant.now() + "\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            topSync.sync();
        } catch (IOException e) {
            LOG.warning("cannot mark the clean stop in " + marker + ": " + reason(e)
                    + " (the next start checks every file in incoming/)");
            try {
                Files.deleteIfExists(marker);
            } catch (IOException ignored) {
                // then the next start may skip the check; nothing was partial when we looked
            }
        }
    }

    /**
     * Replays what a run that did not close its spool left in the journal: each message journaled
     * and not recorded as removed ends up as exactly one forced queue file; each one recorded as
     * removed has none left; then the segments are deleted. Only with the spool's lock held (the
     * engine stopped): {@link #recover()} calls it, and so do the commands that change a stopped
     * spool. Nothing to do, and fast, when the journal is empty.
     */
    public RecoveryReport replayJournal() throws IOException {
        JournalReplay.Result replayed = replay();
        return new RecoveryReport(0, 0, 0, 0, replayed.restored(), replayed.removed());
    }

    private JournalReplay.Result replay() throws IOException {
        if (journal != null) {
            throw new IllegalStateException("replay journal: the journal of " + directory + " is running");
        }
        return JournalReplay.replay(this, journalDirectory, journalSync);
    }

    /**
     * Replay: the queue where a complete, readable copy of the message's file is, or null. Copies
     * without END (never forced) are deleted; copies with END that do not parse go to corrupt/.
     */
    QueueName findCompleteForReplay(QueueId id, Set<QueueName> touched) {
        QueueName found = null;
        for (QueueName queue : JournalReplay.QUEUES) {
            if (!Files.exists(path(queue, id))) {
                continue;
            }
            switch (check(queue, id)) {
                case COMPLETE -> {
                    if (found == null) {
                        found = queue;
                    }
                }
                case PARTIAL -> {
                    try {
                        Files.deleteIfExists(path(queue, id));
                        touched.add(queue);
                    } catch (IOException e) {
                        LOG.log(Level.SEVERE, id + ": cannot remove partial queue file " + path(queue, id) + ": "
                                + reason(e), e);
                    }
                }
                case CORRUPT -> {
                    if (queue != QueueName.CORRUPT) {
                        moveToCorrupt(queue, id);
                        touched.add(queue);
                        touched.add(QueueName.CORRUPT);
                    }
                }
                default -> { }
            }
        }
        return found;
    }

    /**
     * Replay: whether the complete file found for a journaled message is that message: the image
     * byte for byte but for what is changed in place (the control record and the recipients'
     * status bytes). After a power loss a file renamed from reuse/ may still hold the old message
     * it was reused from; such a file is not this message.
     */
    boolean matchesImage(QueueName queue, QueueId id, byte[] image, int offset, int length) throws IOException {
        Path file = path(queue, id);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() != length) {
                return false;
            }
            long[] statusOffsets = QueueFile.parse(channel, id, file).statusOffsets();
            ByteBuffer bytes = ByteBuffer.allocate(length);
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, bytes.position()) < 0) {
                    return false;
                }
            }
            byte[] found = bytes.array();
            for (long at : statusOffsets) {
                found[(int) at] = image[offset + (int) at];
            }
            int control = (int) QueueFile.CONTROL_PAYLOAD_OFFSET;
            System.arraycopy(image, offset + control, found, control, QueueFile.INSTANT_SIZE);
            return java.util.Arrays.equals(found, 0, length, image, offset, offset + length);
        } catch (CorruptQueueFileException e) {
            return false;
        }
    }

    /** Replay: writes a queue file from its journal image into incoming/, forced (the caller fsyncs the directory). */
    QueueName restoreFromJournal(QueueId id, byte[] image, int offset, int length) throws IOException {
        Path file = path(QueueName.INCOMING, id);
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), fileAttributes)) {
            ByteBuffer b = ByteBuffer.wrap(image, offset, length);
            long at = 0;
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
            channel.force(true);
        } catch (IOException e) {
            throw failure("restore queue file from the journal", id, file, e);
        }
        return QueueName.INCOMING;
    }

    /** Forces one queue file (fsync). */
    void forceQueueFile(QueueName queue, QueueId id) throws IOException {
        Path file = path(queue, id);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw failure("force queue file", id, file, e);
        }
    }

    /**
     * Finds a journaled message's queue file wherever qmgr or an admin moved it and forces it;
     * returns its queue, or null if it is nowhere. The caller holds the entry's monitor, so it is
     * not renamed meanwhile.
     */
    QueueName forceQueueFile(QueueId id) throws IOException {
        for (QueueName queue : JournalReplay.QUEUES) {
            Path file = path(queue, id);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                channel.force(true);
                return queue;
            } catch (NoSuchFileException e) {
                // not in this queue
            } catch (IOException e) {
                throw failure("force queue file", id, file, e);
            }
        }
        return null;
    }

    private enum Check { COMPLETE, PARTIAL, CORRUPT, GONE }

    /** Classifies a file by its END record alone (complete or partial); the full parse is the reader's. */
    private Check checkEnd(QueueName queue, QueueId id) {
        Path file = path(queue, id);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return QueueFile.hasEnd(channel) ? Check.COMPLETE : Check.PARTIAL;
        } catch (NoSuchFileException e) {
            return Check.GONE;
        } catch (IOException e) {
            LOG.warning("recover: cannot read queue file " + file + ": " + reason(e) + " (left in place)");
            return Check.GONE;
        }
    }

    /** Classifies a file for recovery: complete, partial (no END: never acknowledged), corrupt (END but unparseable). */
    private Check check(QueueName queue, QueueId id) {
        Path file = path(queue, id);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (!QueueFile.hasEnd(channel)) {
                return Check.PARTIAL;
            }
            QueueFile.parse(channel, id, file);
            return Check.COMPLETE;
        } catch (NoSuchFileException e) {
            return Check.GONE;
        } catch (CorruptQueueFileException e) {
            LOG.warning(e.getMessage());
            return Check.CORRUPT;
        } catch (IOException e) {
            LOG.warning("recover: cannot read queue file " + file + ": " + reason(e) + " (left in place)");
            return Check.GONE;
        }
    }

    /**
     * A transaction's commit: moves its prepared messages to incoming/, durably (both directories
     * fsynced) before returning, since the transaction manager forgets the transaction afterwards.
     */
    public void commitPrepared(List<QueueId> ids) throws IOException {
        for (QueueId id : ids) {
            move(id, QueueName.PREPARED, QueueName.INCOMING);
        }
        syncs.get(QueueName.INCOMING).sync();
        syncs.get(QueueName.PREPARED).sync();
    }

    /** A transaction's rollback: deletes its prepared messages (a missing one is already gone). */
    public void rollbackPrepared(List<QueueId> ids) throws IOException {
        for (QueueId id : ids) {
            Path file = path(QueueName.PREPARED, id);
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw failure("roll back prepared queue file", id, file, e);
            }
        }
        syncs.get(QueueName.PREPARED).sync();
    }

    /** Counters since open: commits, removes, directory fsyncs, journal forces. */
    public SpoolStats stats() {
        long all = syncs.values().stream().mapToLong(DirectorySync::fsyncs).sum() + journalSync.fsyncs();
        Journal j = journal;
        return new SpoolStats(commits.get(), removes.get(), all, syncs.get(QueueName.INCOMING).fsyncs(),
                j == null ? 0 : j.images(), j == null ? 0 : j.forces(), j == null ? 0 : j.acceptForces(),
                j == null ? 0 : j.materialized());
    }

    /**
     * Refuses new messages from now on; open writers may still commit or abort (without the
     * journal). Closes the journal: its messages' queue files are forced and its segments deleted,
     * so a stopped spool holds queue files only (what cannot be finished stays for recovery).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Journal j = journal;
        if (j != null) {
            j.close();
        }
        markCleanStop();
    }

    /** The journal, if started (for tests). */
    Journal journal() {
        return journal;
    }

    // --- for QueueFileWriter


    /** @param fileWritten false when the journal's file writer makes the file later ({@link #fileReady}) */
    void committed(QueueId id, boolean fileWritten) {
        commits.incrementAndGet();
        if (fileWritten) {
            beingWritten.remove(id);
        }
    }

    void aborted(QueueId id) {
        beingWritten.remove(id);
    }

    /** A writer could not remove its aborted file: the next start must check incoming/. */
    void partialLeft() {
        partialLeft = true;
    }

    DirectorySync sync(QueueName queue) {
        return syncs.get(queue);
    }

    /**
     * An IOException naming the operation, queue id and file. A NoSuchFileException stays one
     * (callers treat "already gone" apart), and so does a FileAlreadyExistsException.
     */
    static IOException failure(String operation, QueueId id, Path file, IOException cause) {
        String message = operation + " " + id + ": " + reason(cause);
        IOException e;
        if (cause instanceof NoSuchFileException) {
            e = new NoSuchFileException(file.toString(), null, message);
        } else if (cause instanceof FileAlreadyExistsException) {
            e = new FileAlreadyExistsException(file.toString(), null, message);
        } else {
            e = new IOException(message + " (file " + file + ")");
        }
        e.initCause(cause);
        return e;
    }

    /** The cause's own words, without repeating a path. */
    /**
     * Whether a spool failure was the disk running out of space (ENOSPC, EDQUOT) somewhere in its
     * causes: smtpd answers it with Postfix's {@code 452 4.3.1 Insufficient system storage}.
     */
    public static boolean isOutOfSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    static String reason(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getReason() != null ? f.getReason() : "file exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
