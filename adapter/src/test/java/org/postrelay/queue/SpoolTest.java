package org.postrelay.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    static QueueId queue(Spool spool, String sender, List<String> recipients, byte[] content) throws IOException {
        try (SpoolWriter writer = spool.create(sender, recipients, Map.of("origin", "test"), Instant.now(), null)) {
            try (OutputStream out = writer.content()) {
                out.write(content);
            }
            return writer.commit();
        }
    }

    static byte[] readContent(Spool spool, QueueName queue, Envelope envelope) throws IOException {
        try (InputStream in = spool.openContent(queue, envelope)) {
            return in.readAllBytes();
        }
    }

    @Test
    void roundTripShouldPreserveTheEnvelopeAndBinaryContent() throws IOException {
        byte[] content = new byte[512];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;                       // every byte value, NULs and CR/LF included
        }
        Instant arrival = Instant.parse("2026-11-25T10:15:30.123456789Z");
        Instant warning = arrival.plusSeconds(4 * 3600);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("origin", "api");
        attributes.put("note", "a=b c");
        try (Spool spool = Spool.open(dir.resolve("spool"))) {
            QueueId id;
            try (SpoolWriter writer = spool.create("", List.of("a@example.org", "Jürgen@bücher.example"),
                    attributes, arrival, warning)) {
                writer.content().write(content, 0, 100);
                writer.content().write(content, 100, content.length - 100);
                assertEquals(content.length, writer.contentBytes());
                assertTrue(spool.isBeingWritten(writer.id()));
                id = writer.commit();
                assertFalse(spool.isBeingWritten(id));
                assertEquals(content.length, writer.contentBytes());
            }
            assertTrue(Files.exists(spool.path(QueueName.INCOMING, id)), "close after commit keeps the file");
            Envelope envelope = spool.read(QueueName.INCOMING, id);
            assertEquals(id, envelope.id());
            assertEquals("", envelope.sender());
            assertEquals(arrival, envelope.arrival());
            assertEquals(warning, envelope.nextWarning());
            assertEquals(List.of(new Recipient(0, "a@example.org", RecipientStatus.PENDING),
                    new Recipient(1, "Jürgen@bücher.example", RecipientStatus.PENDING)), envelope.recipients());
            assertEquals(attributes, envelope.attributes());
            assertEquals(List.copyOf(attributes.keySet()), List.copyOf(envelope.attributes().keySet()));
            assertEquals(content.length, envelope.contentLength());
            assertArrayEquals(content, readContent(spool, QueueName.INCOMING, envelope));
        }
    }

    @Test
    void emptyContentShouldRoundTrip() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId id = queue(spool, "s@example.com", List.of("r@example.org"), new byte[0]);
            Envelope envelope = spool.read(QueueName.INCOMING, id);
            assertEquals(0, envelope.contentLength());
            assertNull(envelope.nextWarning());
            assertArrayEquals(new byte[0], readContent(spool, QueueName.INCOMING, envelope));
        }
    }

    @Test
    void markRecipientsShouldPersistAcrossReopen() throws IOException {
        QueueId id;
        try (Spool spool = Spool.open(dir)) {
            id = queue(spool, "s@example.com", List.of("a@example.org", "b@example.org", "c@example.org"),
                    "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
            spool.move(id, QueueName.INCOMING, QueueName.ACTIVE);
            spool.markRecipients(QueueName.ACTIVE, id, Map.of(0, RecipientStatus.DELIVERED, 2, RecipientStatus.BOUNCED));
        }
        try (Spool spool = Spool.open(dir)) {
            Envelope envelope = spool.read(QueueName.ACTIVE, id);
            assertEquals(List.of(RecipientStatus.DELIVERED, RecipientStatus.PENDING, RecipientStatus.BOUNCED),
                    envelope.recipients().stream().map(Recipient::status).toList());
            assertEquals("Subject: x\r\n\r\nbody\r\n",
                    new String(readContent(spool, QueueName.ACTIVE, envelope), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void markRecipientsShouldRejectAnIndexOutOfRange() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId id = queue(spool, "s@example.com", List.of("a@example.org"), new byte[] {1});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> spool.markRecipients(QueueName.INCOMING, id, Map.of(1, RecipientStatus.DELIVERED)));
            assertTrue(e.getMessage().contains(id.toString()), e.getMessage());
        }
    }

    @Test
    void clearWarningShouldRemoveThePendingWarningInPlace() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId id;
            try (SpoolWriter writer = spool.create("s@example.com", List.of("a@example.org"), Map.of(),
                    Instant.now(), Instant.now().plusSeconds(60))) {
                writer.content().write('x');
                id = writer.commit();
            }
            long size = Files.size(spool.path(QueueName.INCOMING, id));
            spool.clearWarning(QueueName.INCOMING, id);
            Envelope envelope = spool.read(QueueName.INCOMING, id);
            assertNull(envelope.nextWarning());
            assertEquals(size, Files.size(spool.path(QueueName.INCOMING, id)));
            assertArrayEquals(new byte[] {'x'}, readContent(spool, QueueName.INCOMING, envelope));
        }
    }

    @Test
    void nextAttemptShouldBeTheFileModificationTime() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId id = queue(spool, "s@example.com", List.of("a@example.org"), new byte[] {1});
            Instant when = Instant.parse("2030-01-02T03:04:05Z");
            spool.setNextAttempt(QueueName.INCOMING, id, when);
            spool.move(id, QueueName.INCOMING, QueueName.DEFERRED);
            assertEquals(when, spool.nextAttempt(QueueName.DEFERRED, id));
            assertEquals(when.toEpochMilli(),
                    Files.getLastModifiedTime(spool.path(QueueName.DEFERRED, id)).toMillis());
        }
    }

    @Test
    void moveShouldRenameAndRefuseToReplaceOrInventFiles() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId id = queue(spool, "s@example.com", List.of("a@example.org"), new byte[] {1});
            spool.move(id, QueueName.INCOMING, QueueName.HOLD);
            assertFalse(Files.exists(spool.path(QueueName.INCOMING, id)));
            assertEquals(1, spool.count(QueueName.HOLD));
            assertThrows(NoSuchFileException.class, () -> spool.move(id, QueueName.INCOMING, QueueName.ACTIVE));
            Files.write(spool.path(QueueName.DEFERRED, id), new byte[] {9});
            FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                    () -> spool.move(id, QueueName.HOLD, QueueName.DEFERRED));
            assertTrue(e.getMessage().contains(id.toString()), e.getMessage());
            assertTrue(Files.exists(spool.path(QueueName.HOLD, id)), "source untouched");
        }
    }

    @Test
    void removeShouldDeleteTheFileAndItsDeferLog() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId id = queue(spool, "s@example.com", List.of("a@example.org"), new byte[] {1});
            spool.writeDeferReasons(id, Map.of("a@example.org", "451 4.3.0 try later"));
            spool.remove(QueueName.INCOMING, id);
            assertFalse(Files.exists(spool.path(QueueName.INCOMING, id)));
            assertEquals(Map.of(), spool.readDeferReasons(id));
            assertEquals(1, spool.stats().removes());
            assertThrows(NoSuchFileException.class, () -> spool.remove(QueueName.INCOMING, id));
        }
    }

    @Test
    void deferReasonsShouldKeepTheLastReasonPerRecipient() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId id = QueueId.next();
            assertEquals(Map.of(), spool.readDeferReasons(id));
            spool.writeDeferReasons(id, Map.of("a@example.org", "first", "b@example.org", "tab\there\nnew \\ line"));
            spool.writeDeferReasons(id, Map.of("a@example.org", "second"));
            assertEquals(Map.of("a@example.org", "second", "b@example.org", "tab\there\nnew \\ line"),
                    spool.readDeferReasons(id));
        }
    }

    @Test
    void abortShouldLeaveNothingBehind() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            SpoolWriter writer = spool.create("s@example.com", List.of("a@example.org"), Map.of(), Instant.now(), null);
            writer.content().write(new byte[100_000]);
            QueueId id = writer.id();
            assertTrue(Files.exists(spool.path(QueueName.INCOMING, id)));
            writer.abort();
            writer.abort();
            writer.close();
            assertFalse(Files.exists(spool.path(QueueName.INCOMING, id)));
            assertFalse(spool.isBeingWritten(id));
            assertThrows(IOException.class, writer::commit);
            try (SpoolWriter unfinished = spool.create("s@example.com", List.of("a@example.org"), Map.of(),
                    Instant.now(), null)) {
                unfinished.content().write('x');                 // closed without commit
            }
            assertEquals(0, spool.count(QueueName.INCOMING));
            assertEquals(0, spool.stats().commits());
        }
    }

    @Test
    void createShouldFailNamingOperationIdAndPathWhenIncomingIsUnusable() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            Path incoming = dir.resolve("incoming");
            Files.delete(incoming);
            Files.write(incoming, new byte[0]);                  // a file where the directory should be
            IOException e = assertThrows(IOException.class,
                    () -> spool.create("s@example.com", List.of("a@example.org"), Map.of(), Instant.now(), null));
            assertTrue(e.getMessage().startsWith("create queue file "), e.getMessage());
            assertTrue(e.getMessage().matches(".*[0-9A-F]{18}.*"), e.getMessage());
            assertTrue(e.getMessage().contains(incoming.toString()), e.getMessage());
        }
    }

    @Test
    void openShouldRefuseAQueueDirectoryThatIsAFile() throws IOException {
        Path notADirectory = dir.resolve("spool");
        Files.write(notADirectory, new byte[0]);
        IOException e = assertThrows(IOException.class, () -> Spool.open(notADirectory));
        assertTrue(e.getMessage().contains(notADirectory.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("queue_directory"), e.getMessage());
    }

    @Test
    void commitShouldFailAndLeaveNothingWhenTheDirectoryFsyncFails() throws IOException {
        try (Spool spool = Spool.open(dir, directory -> {
            throw new IOException("Input/output error");
        })) {
            SpoolWriter writer = spool.create("s@example.com", List.of("a@example.org"), Map.of(), Instant.now(), null);
            writer.content().write('x');
            IOException e = assertThrows(IOException.class, writer::commit);
            assertTrue(e.getMessage().contains("commit queue file") && e.getMessage().contains(writer.id().toString())
                    && e.getMessage().contains("Input/output error"), e.getMessage());
            assertFalse(Files.exists(spool.path(QueueName.INCOMING, writer.id())));
            assertEquals(0, spool.stats().commits());
        }
    }

    @Test
    void largeContentShouldBeStreamedBackIntact() throws Exception {
        byte[] chunk = new byte[64 * 1024 + 7];
        Random random = new Random(42);
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (Spool spool = Spool.open(dir)) {
            QueueId id;
            try (SpoolWriter writer = spool.create("s@example.com", List.of("a@example.org"), Map.of(),
                    Instant.now(), null)) {
                OutputStream out = writer.content();
                for (int i = 0; i < 100; i++) {                 // ~6.5 MB in odd-sized pieces
                    random.nextBytes(chunk);
                    int n = i % 3 == 0 ? chunk.length : 1000 + i;
                    out.write(chunk, 0, n);
                    written.update(chunk, 0, n);
                    total += n;
                }
                id = writer.commit();
            }
            Envelope envelope = spool.read(QueueName.INCOMING, id);
            assertEquals(total, envelope.contentLength());
            MessageDigest read = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(spool.openContent(QueueName.INCOMING, envelope), read)) {
                byte[] buffer = new byte[8192];
                while (in.read(buffer) >= 0) {
                    // digesting
                }
            }
            assertArrayEquals(written.digest(), read.digest());
        }
    }

    @Test
    void manyRecipientsShouldRoundTrip() throws IOException {
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {                     // header larger than the write buffer
            recipients.add("recipient-number-" + i + "@example.org");
        }
        try (Spool spool = Spool.open(dir)) {
            QueueId id = queue(spool, "s@example.com", recipients, "body\r\n".getBytes(StandardCharsets.US_ASCII));
            spool.markRecipients(QueueName.INCOMING, id, Map.of(4999, RecipientStatus.DELIVERED));
            Envelope envelope = spool.read(QueueName.INCOMING, id);
            assertEquals(recipients, envelope.recipients().stream().map(Recipient::address).toList());
            assertEquals(RecipientStatus.DELIVERED, envelope.recipients().get(4999).status());
            assertEquals("body\r\n", new String(readContent(spool, QueueName.INCOMING, envelope), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void forEachShouldSkipNamesThatAreNotQueueIds() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId a = queue(spool, "s@example.com", List.of("a@example.org"), new byte[] {1});
            QueueId b = queue(spool, "s@example.com", List.of("b@example.org"), new byte[] {2});
            Files.write(dir.resolve("incoming").resolve("not-a-queue-id"), new byte[] {3});
            Files.write(dir.resolve("incoming").resolve(a.toString().toLowerCase()), new byte[] {3});
            List<QueueId> seen = new ArrayList<>();
            spool.forEach(QueueName.INCOMING, seen::add);
            assertEquals(List.of(a, b), seen.stream().sorted().toList());
            assertEquals(2, spool.count(QueueName.INCOMING));
        }
    }

    @Test
    void directoriesShouldBePrivateAndFilesReadableOnlyByTheOwner() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        try (Spool spool = Spool.open(dir.resolve("spool"))) {
            for (String name : List.of("maildrop", "incoming", "active", "deferred", "hold", "corrupt", "defer")) {
                assertEquals("rwx------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(spool.directory().resolve(name))), name);
            }
            QueueId id = queue(spool, "s@example.com", List.of("a@example.org"), new byte[] {1});
            spool.writeDeferReasons(id, Map.of("a@example.org", "later"));
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(spool.path(QueueName.INCOMING, id))));
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(spool.directory().resolve("defer").resolve(id.toString()))));
        }
    }

    @Test
    void createShouldRejectABadEnvelope() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            assertThrows(IllegalArgumentException.class,
                    () -> spool.create("s@example.com", List.of(), Map.of(), Instant.now(), null));
            assertThrows(IllegalArgumentException.class,
                    () -> spool.create("s@example.com", List.of("a@example.org"), Map.of("a=b", "c"), Instant.now(), null));
            assertEquals(0, spool.count(QueueName.INCOMING));
        }
    }
}
