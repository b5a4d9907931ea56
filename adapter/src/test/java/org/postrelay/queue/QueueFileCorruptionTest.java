package org.postrelay.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueFileCorruptionTest {

    private static final byte[] BODY = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    /** A file ending in a well-formed END record: what recovery takes for an acknowledged file. */
    private static byte[] withEnd(byte[] body) {
        ByteBuffer end = QueueFile.endRecord(body.length);
        byte[] file = Arrays.copyOf(body, body.length + QueueFile.END_SIZE);
        end.get(file, body.length, QueueFile.END_SIZE);
        return file;
    }

    @Test
    void truncationAtEveryOffsetShouldBePartialOrCorruptNeverMisread() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId original = SpoolTest.queue(spool, "", List.of("a@example.org", "b@example.org"), BODY);
            byte[] whole = Files.readAllBytes(spool.path(QueueName.INCOMING, original));
            spool.move(original, QueueName.INCOMING, QueueName.HOLD);
            for (int length = 0; length < whole.length; length++) {
                QueueId id = QueueId.next();
                Files.write(spool.path(QueueName.INCOMING, id), Arrays.copyOf(whole, length));
                int cut = length;
                CorruptQueueFileException e = assertThrows(CorruptQueueFileException.class,
                        () -> spool.read(QueueName.INCOMING, id), () -> "truncated at " + cut);
                assertTrue(e.getMessage().contains(id.toString()), e.getMessage());
            }
            RecoveryReport report = spool.recover();
            assertEquals(whole.length, report.removedPartial() + report.movedToCorrupt());
            assertEquals(0, report.incomingKept());
            assertEquals(0, spool.count(QueueName.INCOMING));
            assertArrayEquals(BODY, SpoolTest.readContent(spool, QueueName.HOLD, spool.read(QueueName.HOLD, original)));
        }
    }

    @Test
    void preparedFilesShouldLosePartialsAndKeepCompleteOnesForTheTransactionManager() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId complete = SpoolTest.queue(spool, "s@example.com", List.of("a@example.org"), BODY);
            spool.move(complete, QueueName.INCOMING, QueueName.PREPARED);
            byte[] whole = Files.readAllBytes(spool.path(QueueName.PREPARED, complete));
            QueueId partial = QueueId.next();
            Files.write(spool.path(QueueName.PREPARED, partial), Arrays.copyOf(whole, whole.length / 2));

            RecoveryReport report = spool.recover();

            assertEquals(new RecoveryReport(0, 1, 0, 0), report);
            assertFalse(Files.exists(spool.path(QueueName.PREPARED, partial)), "never acknowledged: removed");
            assertTrue(Files.exists(spool.path(QueueName.PREPARED, complete)), "waits for the decision");
        }
    }

    @Test
    void garbageWithAnEndRecordShouldGoToCorrupt() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            byte[] garbage = new byte[300];
            new Random(7).nextBytes(garbage);
            QueueId random = QueueId.next();
            Files.write(spool.path(QueueName.INCOMING, random), withEnd(garbage));
            QueueId garbled = SpoolTest.queue(spool, "s@example.com", List.of("a@example.org"), BODY);
            byte[] bytes = Files.readAllBytes(spool.path(QueueName.INCOMING, garbled));
            Arrays.fill(bytes, 0, 24, (byte) 0x5a);             // header gone, END kept
            Files.write(spool.path(QueueName.INCOMING, garbled), bytes);
            QueueId good = SpoolTest.queue(spool, "s@example.com", List.of("a@example.org"), BODY);

            assertThrows(CorruptQueueFileException.class, () -> spool.read(QueueName.INCOMING, random));
            RecoveryReport report = spool.recover();

            assertEquals(new RecoveryReport(0, 0, 2, 1), report);
            assertTrue(Files.exists(spool.path(QueueName.CORRUPT, random)));
            assertTrue(Files.exists(spool.path(QueueName.CORRUPT, garbled)));
            assertArrayEquals(bytes, Files.readAllBytes(spool.path(QueueName.CORRUPT, garbled)), "kept as it was");
            assertTrue(Files.exists(spool.path(QueueName.INCOMING, good)));
        }
    }

    @Test
    void aHugeBogusLengthShouldBeRejectedWithoutAllocatingIt() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId id = SpoolTest.queue(spool, "s@example.com", List.of("a@example.org"), BODY);
            Path file = spool.path(QueueName.INCOMING, id);
            byte[] bytes = Files.readAllBytes(file);
            int senderLength = (int) QueueFile.CONTROL_PAYLOAD_OFFSET + QueueFile.INSTANT_SIZE + 1;
            assertEquals(QueueFile.SENDER, bytes[senderLength - 1]);
            ByteBuffer.wrap(bytes).putInt(senderLength, Integer.MAX_VALUE - 1);
            Files.write(file, bytes);
            CorruptQueueFileException e = assertThrows(CorruptQueueFileException.class,
                    () -> spool.read(QueueName.INCOMING, id));
            assertTrue(e.getMessage().contains("sender record length"), e.getMessage());
        }
    }

    @Test
    void aWrongContentLengthShouldBeRejected() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId id = SpoolTest.queue(spool, "s@example.com", List.of("a@example.org"), BODY);
            Path file = spool.path(QueueName.INCOMING, id);
            byte[] bytes = Files.readAllBytes(file);
            int field = bytes.length - QueueFile.END_SIZE - BODY.length - 8;
            assertEquals(BODY.length, ByteBuffer.wrap(bytes).getLong(field));
            ByteBuffer.wrap(bytes).putLong(field, BODY.length - 1);
            Files.write(file, bytes);
            assertThrows(CorruptQueueFileException.class, () -> spool.read(QueueName.INCOMING, id));
        }
    }

    @Test
    void aBadStatusByteShouldBeRejectedAndNothingWrittenByMark() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            QueueId id = SpoolTest.queue(spool, "s@example.com", List.of("a@example.org"), BODY);
            Path file = spool.path(QueueName.INCOMING, id);
            byte[] bytes = Files.readAllBytes(file);
            int status = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("Pa@example.org");
            bytes[status] = 'X';
            Files.write(file, bytes);
            assertThrows(CorruptQueueFileException.class, () -> spool.read(QueueName.INCOMING, id));
            assertThrows(CorruptQueueFileException.class,
                    () -> spool.markRecipients(QueueName.INCOMING, id, Map.of(0, RecipientStatus.DELIVERED)));
            assertArrayEquals(bytes, Files.readAllBytes(file));
        }
    }

    @Test
    void recoverShouldRequeueActiveAndRemoveUnacknowledgedPartials() throws IOException {
        QueueId active;
        QueueId kept;
        QueueId partial = QueueId.next();
        QueueId truncatedActive;
        QueueId garbledDeferred;
        try (Spool spool = Spool.open(dir)) {
            active = SpoolTest.queue(spool, "s@example.com", List.of("a@example.org"), BODY);
            spool.move(active, QueueName.INCOMING, QueueName.ACTIVE);
            kept = SpoolTest.queue(spool, "s@example.com", List.of("b@example.org"), BODY);
            byte[] whole = Files.readAllBytes(spool.path(QueueName.INCOMING, kept));
            Files.write(spool.path(QueueName.INCOMING, partial), Arrays.copyOf(whole, whole.length - 1));
            truncatedActive = SpoolTest.queue(spool, "s@example.com", List.of("c@example.org"), BODY);
            spool.move(truncatedActive, QueueName.INCOMING, QueueName.ACTIVE);
            Files.write(spool.path(QueueName.ACTIVE, truncatedActive), Arrays.copyOf(whole, 40));
            garbledDeferred = QueueId.next();
            Files.write(spool.path(QueueName.DEFERRED, garbledDeferred), withEnd(new byte[50]));
        }
        try (Spool spool = Spool.open(dir)) {
            RecoveryReport report = spool.recover();
            assertEquals(new RecoveryReport(1, 1, 1, 2), report);
            assertEquals(0, spool.count(QueueName.ACTIVE));
            assertTrue(Files.exists(spool.path(QueueName.INCOMING, active)));
            assertTrue(Files.exists(spool.path(QueueName.INCOMING, kept)));
            assertFalse(Files.exists(spool.path(QueueName.INCOMING, partial)));
            assertTrue(Files.exists(spool.path(QueueName.CORRUPT, truncatedActive)), "acknowledged once: kept");
            assertTrue(Files.exists(spool.path(QueueName.DEFERRED, garbledDeferred)), "deferred is read lazily");

            assertThrows(CorruptQueueFileException.class, () -> spool.read(QueueName.DEFERRED, garbledDeferred));
            spool.moveToCorrupt(QueueName.DEFERRED, garbledDeferred);
            assertTrue(Files.exists(spool.path(QueueName.CORRUPT, garbledDeferred)));
            assertEquals(2, spool.count(QueueName.CORRUPT));
            assertEquals(new RecoveryReport(0, 0, 0, 2), spool.recover(), "a second recovery finds nothing to do");
        }
    }

    @Test
    void recoverShouldLeaveAFileBeingWrittenAlone() throws IOException {
        try (Spool spool = Spool.open(dir);
             SpoolWriter writer = spool.create("s@example.com", List.of("a@example.org"), Map.of(), Instant.now(), null)) {
            writer.content().write(BODY);
            assertEquals(new RecoveryReport(0, 0, 0, 0), spool.recover());
            QueueId id = writer.commit();
            assertEquals(1, spool.read(QueueName.INCOMING, id).recipients().size());
        }
    }
    @Test
    void recoveryAfterACrashShouldRemovePartialsAndSetCorruptFilesAsideAmongMany() throws IOException {
        int complete = 500;
        List<QueueId> partials = new java.util.ArrayList<>();
        List<QueueId> garbled = new java.util.ArrayList<>();
        Spool crashed = Spool.open(dir);                 // the engine's spool: recovered, then never closed
        crashed.recover();
        QueueId first = SpoolTest.queue(crashed, "s@example.com", List.of("a@example.org"), BODY);
        byte[] whole = Files.readAllBytes(crashed.path(QueueName.INCOMING, first));
        for (int i = 1; i < complete; i++) {
            Files.write(crashed.path(QueueName.INCOMING, QueueId.next()), whole);
        }
        for (int i = 0; i < 7; i++) {
            QueueId id = QueueId.next();
            Files.write(crashed.path(QueueName.INCOMING, id), Arrays.copyOf(whole, whole.length - 1 - i * 9));
            partials.add(id);
            QueueId bad = QueueId.next();
            byte[] bytes = whole.clone();
            bytes[5 + i] ^= 0x55;                        // the magic damaged, END intact
            Files.write(crashed.path(QueueName.INCOMING, bad), bytes);
            garbled.add(bad);
        }
        try (Spool spool = Spool.open(dir)) {
            RecoveryReport report = spool.recover();
            assertEquals(new RecoveryReport(0, 7, 7, complete), report);
            assertFalse(report.cleanStop());
            assertEquals(complete, spool.count(QueueName.INCOMING));
            partials.forEach(id -> assertFalse(Files.exists(spool.path(QueueName.INCOMING, id)), id::toString));
            for (QueueId id : garbled) {
                assertTrue(Files.exists(spool.path(QueueName.CORRUPT, id)), id::toString);
            }
        }
    }

    @Test
    void aCleanStopShouldSpareTheNextRecoveryReadingIncomingButACrashAfterItShouldNot() throws IOException {
        QueueId kept;
        try (Spool spool = Spool.open(dir)) {
            spool.recover();
            kept = SpoolTest.queue(spool, "s@example.com", List.of("a@example.org"), BODY);
            QueueId active = SpoolTest.queue(spool, "s@example.com", List.of("b@example.org"), BODY);
            spool.move(active, QueueName.INCOMING, QueueName.ACTIVE);
        }
        assertTrue(Files.exists(dir.resolve(Spool.CLEAN_STOP)), "the engine's spool closed with nothing in flight");
        Spool second = Spool.open(dir);
        RecoveryReport report = second.recover();
        assertEquals(new RecoveryReport(1, 0, 0, 0, 0, 0, true), report, "incoming/ not read; active/ requeued");
        assertFalse(Files.exists(dir.resolve(Spool.CLEAN_STOP)), "taken at start: a crash now is no clean stop");
        assertTrue(Files.exists(second.path(QueueName.INCOMING, kept)));
        // this run crashes while a file is half written
        QueueId partial = QueueId.next();
        Files.write(second.path(QueueName.INCOMING, partial), Arrays.copyOf(BODY, 5));
        try (Spool third = Spool.open(dir)) {
            RecoveryReport after = third.recover();
            assertFalse(after.cleanStop());
            assertEquals(1, after.removedPartial());
            assertFalse(Files.exists(third.path(QueueName.INCOMING, partial)));
        }
    }

    @Test
    void aWriterOpenAtCloseShouldLeaveNoCleanStopMark() throws IOException {
        SpoolWriter open;
        try (Spool spool = Spool.open(dir)) {
            spool.recover();
            open = spool.create("s@example.com", List.of("a@example.org"), Map.of(), Instant.now(), null);
            open.content().write(BODY);
        }
        assertFalse(Files.exists(dir.resolve(Spool.CLEAN_STOP)));
        try (Spool spool = Spool.open(dir)) {
            assertEquals(new RecoveryReport(0, 1, 0, 0), spool.recover(), "its file had no END: removed");
        }
        Files.delete(dir.resolve(Spool.CLEAN_STOP));       // that one stopped cleanly
        try (Spool spool = Spool.open(dir)) {               // a spool that was never recovered (a command's)
            spool.count(QueueName.INCOMING);
        }
        assertFalse(Files.exists(dir.resolve(Spool.CLEAN_STOP)), "only the engine's spool marks a clean stop");
    }
}
