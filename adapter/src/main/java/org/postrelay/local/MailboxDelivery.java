package org.postrelay.local;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.postrelay.config.ConfigException;
import org.postrelay.config.LookupTable;
import org.postrelay.local.LocalTransport.Result;
import org.postrelay.smtp.MessageSource;

/**
 * Appends one message to one UNIX mailbox file, as Postfix's local(8) does (deliver_mailbox_file,
 * mbox_open, mail_copy): opens or creates {@code mail_spool_directory/USER} (mode 0600, never
 * through a symbolic link), locks it, appends the message in mbox form, fsyncs, and on any failure
 * truncates the file back to its former size, so a mailbox never holds half a message.
 *
 * <p>Results carry Postfix's texts: {@code delivered to mailbox}, or {@code cannot update mailbox
 * /var/mail/bob for user bob. REASON}. Postfix bounces most errors (5.2.0, 5.3.0) because its
 * local(8) runs as root; Postrelay writes with its own rights, so an error such as a permission
 * problem is the admin's to fix and defers the mail instead (4.2.0 opening and locking, 4.3.0
 * writing). A full mailbox ({@code mailbox_size_limit}, quota) bounces with 5.2.2, a full disk
 * defers with 4.3.0, and a mailbox that is not a regular file (symbolic link, directory, device,
 * hard-linked) bounces with 5.2.0, all as in Postfix.
 */
final class MailboxDelivery {

    private static final Set<PosixFilePermission> MODE_0600 =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Path spoolDirectory;
    private final long sizeLimit;
    private final MailboxLock lock;
    private final LookupTable passwd;
    private final Clock clock;

    /**
     * @param spoolDirectory mail_spool_directory, absolute
     * @param sizeLimit      mailbox_size_limit, 0 for none
     * @param passwd         the accounts whose uid and gid a new mailbox gets when we run as root
     */
    MailboxDelivery(Path spoolDirectory, long sizeLimit, MailboxLock lock, LookupTable passwd, Clock clock) {
        this.spoolDirectory = Objects.requireNonNull(spoolDirectory, "spoolDirectory");
        this.sizeLimit = sizeLimit;
        this.lock = lock;
        this.passwd = passwd;
        this.clock = clock;
    }

    Path mailbox(String user) {
        return spoolDirectory.resolve(user);
    }

    /**
     * @param user a user name that is a plain file name (no '/', not "." or "..")
     */
    Result deliver(String sender, String recipient, String user, MessageSource content) {
        Path mailbox = mailbox(user);
        MailboxLock.enterJvm(mailbox);
        try {
            append(mailbox, user, sender, recipient, content);
            return Result.of("2.0.0", "delivered to mailbox");
        } catch (DeliveryFailure f) {
            return Result.of(f.dsn(), "cannot update mailbox " + mailbox + " for user " + user + ". " + f.getMessage());
        } finally {
            MailboxLock.leaveJvm(mailbox);
        }
    }

    private void append(Path mailbox, String user, String sender, String recipient, MessageSource content)
            throws DeliveryFailure {
        BasicFileAttributes before = status(mailbox);
        if (before != null) {
            refuseIrregular(mailbox, before);
        }
        boolean created = false;
        FileChannel channel = null;
        if (before == null) {
            channel = create(mailbox);
            created = channel != null;
        }
        if (channel == null) {
            channel = openExisting(mailbox);
        }
        boolean dotlocked = false;
        try {
            if (created) {
                giveToUser(mailbox, user);
            }
            Object opened = checkLinks(mailbox);
            if (lock.settings().dotlock()) {
                lock.dotlock(mailbox);
                dotlocked = true;
            }
            if (lock.settings().fcntl()) {
                lock.fcntl(channel);                        // released when the channel closes
            }
            // GNU pop3d reportedly replaces the mailbox: what we locked must still be what we opened.
            BasicFileAttributes locked = status(mailbox);
            if (locked == null || !Objects.equals(opened, locked.fileKey()) || links(mailbox) != 1) {
                throw new DeliveryFailure("4.2.0", "target file status changed unexpectedly");
            }
            write(channel, mailbox, sender, recipient, content, created);
        } finally {
            close(channel);                                 // releases the fcntl() lock, then the dotlock goes
            if (dotlocked) {
                MailboxLock.undotlock(mailbox);
            }
        }
    }

    /** Appends, fsyncs; on any failure truncates the file to its former size. */
    private void write(FileChannel channel, Path mailbox, String sender, String recipient, MessageSource content,
                       boolean created) throws DeliveryFailure {
        long start;
        try {
            start = channel.size();
        } catch (IOException e) {
            throw DeliveryFailure.of("error writing message", e, "4.3.0");
        }
        InputStream in;
        try {
            in = new ReadFailure.Guard(content.open());
        } catch (IOException e) {
            throw DeliveryFailure.of("error reading message", e, "4.3.0");
        }
        try {
            OutputStream out = new BufferedOutputStream(new LimitedChannelOutput(channel, start, sizeLimit), 65536);
            MboxWriter.write(out, sender, recipient, ZonedDateTime.now(clock), in);
            out.flush();
            channel.force(true);
            if (created) {
                syncDirectory(mailbox.getParent());          // a new mailbox must survive a crash too
            }
        } catch (LimitedChannelOutput.SizeLimitExceeded e) {
            truncate(channel, mailbox, start);
            throw new DeliveryFailure("5.2.2", "error writing message: File too large");
        } catch (ReadFailure e) {
            truncate(channel, mailbox, start);
            throw DeliveryFailure.of("error reading message", (IOException) e.getCause(), "4.3.0");
        } catch (IOException e) {
            truncate(channel, mailbox, start);
            throw DeliveryFailure.of("error writing message", e, "4.3.0");
        } catch (RuntimeException e) {
            truncate(channel, mailbox, start);
            throw new DeliveryFailure("4.3.0", "error writing message: " + e);
        } finally {
            try {
                in.close();
            } catch (IOException e) {
                // the queue file was read to its end; closing it changes nothing
            }
        }
    }

    /**
     * Running as root, Postfix creates a mailbox in a spool directory that is not world-writable as
     * root and hands it to its user; so do we, with the uid and gid of the user's passwd entry. As
     * anyone else the mailbox stays ours (the spool directory's group, if it is setgid).
     */
    private void giveToUser(Path mailbox, String user) throws DeliveryFailure {
        try {
            if (passwd == null || !Integer.valueOf(0).equals(Files.getAttribute(mailbox, "unix:uid",
                    LinkOption.NOFOLLOW_LINKS))) {
                return;
            }
            String[] account = passwd.lookup(user).map(line -> line.split(":", -1)).orElse(null);
            if (account == null || account.length < 4) {
                return;                                     // known to another table only: stays root's
            }
            Files.setAttribute(mailbox, "unix:uid", Integer.parseInt(account[2]), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(mailbox, "unix:gid", Integer.parseInt(account[3]), LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            // no owners on this file system
        } catch (ConfigException e) {
            throw new DeliveryFailure("4.0.0", "user lookup error");
        } catch (IOException e) {
            throw DeliveryFailure.of("cannot change file ownership", e, "4.2.0");
        }
    }

    /** Postfix refuses to deliver into anything but a plain file of its own. */
    private static void refuseIrregular(Path mailbox, BasicFileAttributes status) throws DeliveryFailure {
        if (status.isSymbolicLink()) {
            throw new DeliveryFailure("5.2.0", "file is a symbolic link");
        }
        if (status.isDirectory()) {
            throw new DeliveryFailure("5.2.0", "cannot open file: Is a directory");
        }
        if (!status.isRegularFile()) {
            // Checked before opening: a FIFO would block the open.
            throw new DeliveryFailure("5.2.0", "destination " + mailbox + " is not a regular file");
        }
    }

    /** Creates a new mailbox exclusively with mode 0600; null when another process just made it. */
    private static FileChannel create(Path mailbox) throws DeliveryFailure {
        Set<OpenOption> options = Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                StandardOpenOption.CREATE_NEW);
        try {
            try {
                return FileChannel.open(mailbox, options, PosixFilePermissions.asFileAttribute(MODE_0600));
            } catch (UnsupportedOperationException noPosix) {
                return FileChannel.open(mailbox, options);
            }
        } catch (FileAlreadyExistsException raced) {
            return null;
        } catch (IOException e) {
            throw DeliveryFailure.of("cannot create file exclusively", e, "4.2.0");
        }
    }

    private static FileChannel openExisting(Path mailbox) throws DeliveryFailure {
        try {
            return FileChannel.open(mailbox, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            BasicFileAttributes status = status(mailbox);
            if (status != null) {
                refuseIrregular(mailbox, status);               // replaced by a link meanwhile
            }
            throw DeliveryFailure.of("cannot open file", e, "4.2.0");
        }
    }

    /** After opening: one hard link only (Postfix's safe_open()); returns the file's identity. */
    private static Object checkLinks(Path mailbox) throws DeliveryFailure {
        BasicFileAttributes status = status(mailbox);
        if (status == null) {
            throw new DeliveryFailure("4.2.0", "file status changed unexpectedly");
        }
        refuseIrregular(mailbox, status);
        int links = links(mailbox);
        if (links != 1) {
            throw new DeliveryFailure("5.2.0", "file has " + links + " hard links");
        }
        return status.fileKey();
    }

    private static BasicFileAttributes status(Path mailbox) throws DeliveryFailure {
        try {
            return Files.readAttributes(mailbox, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw DeliveryFailure.of("cannot open file", e, "4.2.0");
        }
    }

    /** The hard link count; 1 where the file system cannot tell. */
    private static int links(Path mailbox) throws DeliveryFailure {
        try {
            return (Integer) Files.getAttribute(mailbox, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            return 1;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw DeliveryFailure.of("cannot open file", e, "4.2.0");
        }
    }

    /**
     * Cuts the mailbox back to its size before this delivery. An interrupt may have closed the
     * channel (NIO channels close on interrupt), so the file is opened again if needed; the
     * interrupt is kept for the caller.
     */
    private static void truncate(FileChannel channel, Path mailbox, long size) {
        boolean interrupted = Thread.interrupted();
        try {
            if (channel.isOpen()) {
                channel.truncate(size);
                channel.force(true);
            } else {
                try (FileChannel again = FileChannel.open(mailbox, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    again.truncate(size);
                    again.force(true);
                }
            }
        } catch (IOException e) {
            // Nothing more can be done here; Postfix ignores ftruncate() failures alike.
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        if (System.getProperty("os.name", "").startsWith("Windows")) {
            return;                                          // cannot open a directory; no separate flush
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the data was forced before; a failing close changes nothing here
        }
    }

    /** Writes to the channel, refusing to grow the file past mailbox_size_limit (Postfix's EFBIG). */
    private static final class LimitedChannelOutput extends OutputStream {

        static final class SizeLimitExceeded extends IOException {
            SizeLimitExceeded() {
                super("File too large");
            }
        }

        private final FileChannel channel;
        private final long limit;
        private long size;

        LimitedChannelOutput(FileChannel channel, long size, long limit) {
            this.channel = channel;
            this.size = size;
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (limit > 0 && size + len > limit) {
                throw new SizeLimitExceeded();
            }
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            size += len;
        }
    }

    /** An I/O error reading the queued message, told apart from one writing the mailbox. */
    static final class ReadFailure extends IOException {

        ReadFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }

        /** Wraps the queue file's stream so that its errors arrive as ReadFailure. */
        static final class Guard extends FilterInputStream {
            Guard(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw new ReadFailure(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw new ReadFailure(e);
                }
            }
        }
    }
}
