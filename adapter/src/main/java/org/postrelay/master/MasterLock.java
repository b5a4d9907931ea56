package org.postrelay.master;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * Postfix's {@code $queue_directory/pid/master.pid}: an exclusive lock held for as long as one
 * engine owns the spool, with that process's pid written in it (Postfix's layout: the pid in ten
 * columns and a newline). A second engine on the same spool, or a tool that must work on a stopped
 * spool, finds the lock taken and says who has it. The kernel drops the lock when the process dies.
 */
public final class MasterLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;
    private final Path file;

    private MasterLock(FileChannel channel, FileLock lock, Path file) {
        this.channel = channel;
        this.lock = lock;
        this.file = file;
    }

    /** The pid file of a spool. */
    public static Path pidFile(Path queueDirectory) {
        return queueDirectory.resolve("pid").resolve("master.pid");
    }

    /**
     * Takes the lock and writes our pid.
     *
     * @throws AlreadyRunningException when another process (or another engine in this JVM) holds it
     */
    public static MasterLock acquire(Path queueDirectory) throws IOException {
        Path file = pidFile(queueDirectory);
        PrivateFiles.directories(file.getParent());
        FileChannel channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PrivateFiles.file(file));
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;                                 // held by another engine in this JVM
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new AlreadyRunningException(queueDirectory, holder(queueDirectory));
        }
        try {
            byte[] pid = String.format("%10d\n", ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            channel.force(true);
        } catch (IOException e) {
            lock.release();
            channel.close();
            throw e;
        }
        return new MasterLock(channel, lock, file);
    }

    /** Whether some process holds the spool's lock now (without taking it). */
    public static boolean isHeld(Path queueDirectory) throws IOException {
        Path file = pidFile(queueDirectory);
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** The pid written in the pid file, if any (it may be stale when no one holds the lock). */
    public static OptionalLong holder(Path queueDirectory) {
        try {
            String text = Files.readString(pidFile(queueDirectory), StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public Path file() {
        return file;
    }

    /** Releases the lock; the pid file stays, as Postfix leaves it. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    /** The spool belongs to another running engine. */
    public static final class AlreadyRunningException extends IOException {
        private static final long serialVersionUID = 1L;

        AlreadyRunningException(Path queueDirectory, OptionalLong pid) {
            super("the mail system is already running on queue_directory " + queueDirectory
                    + (pid.isPresent() ? " (pid " + pid.getAsLong() + ", " + pidFile(queueDirectory) + ")"
                            : " (" + pidFile(queueDirectory) + " is locked)"));
        }
    }
}
