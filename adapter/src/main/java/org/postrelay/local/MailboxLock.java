package org.postrelay.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive access to one mailbox, as Postfix's mbox_open() takes it ({@code mailbox_delivery_lock}):
 * a {@code USER.lock} dotlock file created atomically (O_CREAT|O_EXCL), stale ones (older than
 * {@code stale_lock_time}) removed, then an fcntl() lock on the open mailbox; each tried
 * {@code deliver_lock_attempts} times, {@code deliver_lock_delay} apart.
 *
 * <p>fcntl() locks belong to a process, so they cannot keep two threads of this JVM apart: a lock
 * per mailbox path inside the JVM does, taken first so that our own deliveries queue up on it
 * instead of polling the dotlock.
 */
final class MailboxLock {

    /** Locking settings; fcntl and dotlock as chosen by mailbox_delivery_lock. */
    record Settings(boolean fcntl, boolean dotlock, int attempts, Duration delay, Duration staleTime) {
    }

    private static final class Holder {
        final ReentrantLock lock = new ReentrantLock();
        int users;                                   // under IN_JVM
    }

    // One holder per mailbox path in use anywhere in this JVM, dropped when unused.
    private static final Map<Path, Holder> IN_JVM = new HashMap<>();

    private final Settings settings;
    private final Clock clock;

    MailboxLock(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    Settings settings() {
        return settings;
    }

    /** Waits for this JVM's other deliveries to the mailbox; pair with {@link #leaveJvm}. */
    static void enterJvm(Path mailbox) {
        Holder holder;
        synchronized (IN_JVM) {
            holder = IN_JVM.computeIfAbsent(mailbox, m -> new Holder());
            holder.users++;
        }
        holder.lock.lock();
    }

    static void leaveJvm(Path mailbox) {
        synchronized (IN_JVM) {
            Holder holder = IN_JVM.get(mailbox);
            holder.lock.unlock();
            if (--holder.users == 0) {
                IN_JVM.remove(mailbox);
            }
        }
    }

    /** The dotlock file of a mailbox: {@code /var/mail/bob.lock}. */
    static Path dotlockFile(Path mailbox) {
        return mailbox.resolveSibling(mailbox.getFileName() + ".lock");
    }

    /**
     * Creates the dotlock, as Postfix's dot_lockfile(): retries while it exists, removing it once it
     * is older than stale_lock_time (by its ctime), and gives up on any other error.
     */
    void dotlock(Path mailbox) throws DeliveryFailure {
        Path lock = dotlockFile(mailbox);
        IOException failure;
        for (int count = 1; ; count++) {
            try {
                create(lock);
                return;
            } catch (IOException e) {
                failure = e;
            }
            if (count >= settings.attempts() || !(failure instanceof FileAlreadyExistsException)) {
                break;
            }
            try {
                if (clock.instant().isAfter(changed(lock).toInstant().plus(settings.staleTime()))) {
                    Files.deleteIfExists(lock);
                }
            } catch (NoSuchFileException gone) {
                // released meanwhile: the next attempt takes it
            } catch (IOException e) {
                failure = e;
                break;
            }
            if (!pause()) {
                throw new DeliveryFailure("4.2.0", "unable to create lock file " + lock + ": interrupted");
            }
        }
        // EEXIST is Postfix's "someone else has it": 4.2.0 like every other failure here.
        throw DeliveryFailure.of("unable to create lock file " + lock, failure, "4.2.0");
    }

    /** Removes the dotlock; quietly, as Postfix's dot_unlockfile(). */
    static void undotlock(Path mailbox) {
        try {
            Files.deleteIfExists(dotlockFile(mailbox));
        } catch (IOException e) {
            // left for stale_lock_time to clear
        }
    }

    /** Takes the fcntl() lock of the whole file, as Postfix's deliver_flock(). */
    FileLock fcntl(FileChannel channel) throws DeliveryFailure {
        for (int i = 0; i < settings.attempts(); i++) {
            if (i > 0 && !pause()) {
                throw new DeliveryFailure("4.2.0", "unable to lock for exclusive access: interrupted");
            }
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException e) {
                // held through another channel of this JVM (not one of our deliveries): busy
            } catch (IOException e) {
                throw DeliveryFailure.of("unable to lock for exclusive access", e, "4.2.0");
            }
        }
        throw new DeliveryFailure("4.2.0", "unable to lock for exclusive access: Resource temporarily unavailable");
    }

    private static void create(Path lock) throws IOException {
        try {
            Files.createFile(lock, PosixFilePermissions.asFileAttribute(java.util.Set.of()));   // mode 0, as Postfix
        } catch (UnsupportedOperationException noPosix) {
            Files.createFile(lock);
        }
    }

    /** The lock file's ctime, which Postfix ages it by; its mtime where ctime cannot be read. */
    private static FileTime changed(Path lock) throws IOException {
        try {
            return (FileTime) Files.getAttribute(lock, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            return Files.getLastModifiedTime(lock, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** Sleeps deliver_lock_delay; false when interrupted (the flag is kept). */
    private boolean pause() {
        try {
            Thread.sleep(settings.delay().toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
