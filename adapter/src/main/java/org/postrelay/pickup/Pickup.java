package org.postrelay.pickup;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.postrelay.api.MessageRejectedException;
import org.postrelay.api.TemporaryFailureException;
import org.postrelay.cleanup.Cleanup;
import org.postrelay.master.Maillog;
import org.postrelay.queue.QueueId;

/**
 * Postfix's pickup: takes the files our sendmail drops in maildrop/ and feeds them to cleanup,
 * then removes them. It notices a new file at once (a directory watch) and also looks every few
 * seconds, as Postfix's pickup does after a missed wake-up. A message cleanup refuses for good is
 * returned to its sender in a notice; a file that is not a maildrop file is set aside in corrupt/.
 */
public final class Pickup implements AutoCloseable {

    /** How often maildrop/ is scanned even without a watch event. */
    private static final long SCAN_MILLIS = 5_000;
    /** How long an incomplete file whose writer is gone is left before it is removed. */
    private static final long ABANDONED_MILLIS = 60_000;

    private final Path maildrop;
    private final Path corrupt;
    private final Cleanup cleanup;
    private final Maillog maillog;
    private final WatchService watch;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;

    private Pickup(Path maildrop, Path corrupt, Cleanup cleanup, Maillog maillog, WatchService watch) {
        this.maildrop = maildrop;
        this.corrupt = corrupt;
        this.cleanup = cleanup;
        this.maillog = maillog;
        this.watch = watch;
    }

    /**
     * Starts picking up from {@code queueDirectory/maildrop}, in a long-running task given to
     * {@code longRunning} (the engine's workers: in a container, its WorkManager).
     */
    public static Pickup start(Path queueDirectory, Cleanup cleanup, Maillog maillog, Executor longRunning)
            throws IOException {
        Path maildrop = queueDirectory.resolve("maildrop");
        WatchService watch = maildrop.getFileSystem().newWatchService();
        try {
            maildrop.register(watch, StandardWatchEventKinds.ENTRY_CREATE);   // renames into it too
        } catch (IOException | RuntimeException e) {
            watch.close();
            throw e;
        }
        Pickup pickup = new Pickup(maildrop, queueDirectory.resolve("corrupt"), cleanup, maillog, watch);
        try {
            longRunning.execute(pickup::run);
        } catch (RuntimeException e) {
            watch.close();
            throw e;
        }
        return pickup;
    }

    private void run() {
        try {
            loop();
        } finally {
            finished.countDown();
        }
    }

    private void loop() {
        while (!stopping) {
            scan();
            try {
                WatchKey key = watch.poll(SCAN_MILLIS, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
        }
    }

    /** Picks up every complete file now in maildrop/, oldest name first. */
    void scan() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(maildrop)) {
            for (Path file : entries) {
                files.add(file);
            }
        } catch (IOException e) {
            maillog.warning("pickup", "cannot scan " + maildrop + ": " + e.getMessage());
            return;
        }
        files.sort(null);
        for (Path file : files) {
            if (stopping) {
                return;
            }
            pickUp(file);
        }
    }

    private void pickUp(Path file) {
        MaildropFile dropped;
        try {
            dropped = MaildropFile.read(file);
        } catch (NoSuchFileException gone) {
            return;
        } catch (MaildropFile.BadFileException e) {
            setAside(file, e.getMessage());
            return;
        } catch (IOException e) {
            maillog.warning("pickup", "cannot read " + file + ": " + e.getMessage() + " (will try again)");
            return;
        }
        if (!dropped.complete()) {
            removeIfAbandoned(file);                     // else sendmail is still writing it
            return;
        }
        try {
            QueueId id = enqueue(file, dropped);
            maillog.log("pickup", id + ": uid=" + uid(file) + " from=<" + dropped.sender() + ">");
            Files.deleteIfExists(file);
        } catch (TemporaryFailureException e) {
            maillog.warning("pickup", file.getFileName() + ": " + e.getMessage() + " (will try again)");
        } catch (MessageRejectedException e) {
            returnToSender(file, dropped, e.getMessage());
        } catch (IOException e) {
            maillog.warning("pickup", "cannot pick up " + file + ": " + e.getMessage() + " (will try again)");
        }
    }

    private QueueId enqueue(Path file, MaildropFile dropped)
            throws IOException, MessageRejectedException, TemporaryFailureException {
        Set<String> recipients = new LinkedHashSet<>(dropped.recipients());
        InternetHeaders headers = null;
        if (dropped.extractRecipients() || dropped.fullName() != null) {
            try (InputStream in = content(file, dropped)) {
                headers = new InternetHeaders(in, true);
            } catch (MessagingException e) {
                throw new MessageRejectedException("cannot parse the message headers: " + e.getMessage());
            }
        }
        if (dropped.extractRecipients()) {
            recipients.addAll(headerRecipients(headers));
        }
        if (recipients.isEmpty()) {
            throw new MessageRejectedException("no recipient addresses found in message header");
        }
        InputStream body = content(file, dropped);
        if (dropped.fullName() != null && headers.getHeader("From") == null && !dropped.sender().isEmpty()) {
            String from = "From: " + new InternetAddress(dropped.sender(), dropped.fullName(), "UTF-8").toString() + "\n";
            body = new SequenceInputStream(new ByteArrayInputStream(from.getBytes(StandardCharsets.UTF_8)), body);
        }
        try (InputStream in = body) {
            return cleanup.enqueue(dropped.sender(), recipients, in, "sendmail");
        }
    }

    /** The message part of the file, ended by a lone "." unless sendmail was given -i. */
    private static InputStream content(Path file, MaildropFile dropped) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536);
        in.skipNBytes(dropped.contentOffset());
        in = new BoundedInputStream(in, dropped.contentLength());
        return dropped.ignoreDots() ? in : new DotTerminatedInputStream(in);
    }

    /** sendmail -t: To, Cc and Bcc, or their Resent- forms when the message has any (as Postfix). */
    private static List<String> headerRecipients(InternetHeaders headers) throws MessageRejectedException {
        boolean resent = headers.getHeader("Resent-To") != null || headers.getHeader("Resent-Cc") != null
                || headers.getHeader("Resent-Bcc") != null;
        String prefix = resent ? "Resent-" : "";
        List<String> found = new ArrayList<>();
        for (String name : List.of("To", "Cc", "Bcc")) {
            String[] values = headers.getHeader(prefix + name);
            if (values == null) {
                continue;
            }
            for (String value : values) {
                try {
                    for (InternetAddress a : InternetAddress.parseHeader(value, false)) {
                        found.add(a.getAddress());
                    }
                } catch (AddressException e) {
                    throw new MessageRejectedException("bad address in " + prefix + name + " header: \""
                            + value + "\": " + e.getMessage());
                }
            }
        }
        return found;
    }

    /** Cleanup refused the message for good: tell the sender (nothing is dropped silently). */
    private void returnToSender(Path file, MaildropFile dropped, String reason) {
        maillog.log("pickup", file.getFileName() + ": from=<" + dropped.sender() + ">: message rejected: " + reason);
        if (dropped.sender().isEmpty()) {
            setAside(file, "rejected message from the null sender: " + reason);
            return;
        }
        String notice = "Subject: Undelivered Mail Returned to Sender\n"
                + "Auto-Submitted: auto-replied\n"
                + "Content-Type: text/plain; charset=UTF-8\n\n"
                + "Your message, submitted with sendmail, was not accepted:\n\n    " + reason + "\n\n"
                + "Envelope recipients: " + String.join(", ", dropped.recipients()) + "\n";
        try {
            QueueId id = cleanup.enqueue("", List.of(dropped.sender()),
                    new ByteArrayInputStream(notice.getBytes(StandardCharsets.UTF_8)), "pickup");
            maillog.log("pickup", id + ": sender non-delivery notification for rejected " + file.getFileName());
            Files.deleteIfExists(file);
        } catch (MessageRejectedException | TemporaryFailureException | IOException e) {
            setAside(file, "rejected (" + reason + ") and its notice could not be queued: " + e.getMessage());
        }
    }

    /**
     * An incomplete file whose sendmail is gone (its name ends in ".PID") and that was not touched
     * for a minute was never acknowledged to anyone: removed, as Postfix's postdrop removes its
     * file when it fails.
     */
    private void removeIfAbandoned(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        try {
            long pid = Long.parseLong(name.substring(dot + 1));
            boolean writerAlive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            long idle = System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis();
            if (!writerAlive && idle > ABANDONED_MILLIS) {
                Files.deleteIfExists(file);
                maillog.warning("pickup", "removed " + file + ": incomplete, and its sendmail (pid " + pid
                        + ") is gone");
            }
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            setAside(file, "incomplete maildrop file with a name sendmail does not give");
        } catch (IOException e) {
            // gone meanwhile, or unreadable: the next scan looks again
        }
    }

    private void setAside(Path file, String problem) {
        Path target = corrupt.resolve("maildrop-" + file.getFileName());
        try {
            Files.move(file, target);
            maillog.warning("pickup", problem + "; moved to " + target);
        } catch (IOException e) {
            maillog.warning("pickup", problem + "; and cannot move it to " + corrupt + ": " + e.getMessage());
        }
    }

    private static String uid(Path file) {
        try {
            return String.valueOf(Files.getAttribute(file, "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "?";
        }
    }

    @Override
    public void close() {
        stopping = true;
        try {
            watch.close();
        } catch (IOException e) {
            // the loop ends either way
        }
        try {
            finished.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
