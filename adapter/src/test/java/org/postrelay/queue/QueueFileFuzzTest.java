package org.postrelay.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.postrelay.testing.Fuzz;

/**
 * Fuzzes the spool's readers (src/docs/reliability.md, "Bad input"): the queue file parser
 * ({@link QueueFile#parse}), the journal segment reader ({@link JournalSegment#read}) with every
 * image it yields parsed as a queue file, and whole restarts ({@link Spool#recover()}) over a
 * garbled journal. Inputs are random bytes and mutations of valid files (bytes flipped, inserted,
 * deleted; some with the END record or the CRCs made to fit again, to get past the first check).
 * Properties: only {@link CorruptQueueFileException} (naming the id and file) for what does not
 * parse, no hang, allocation bounded by the input's size, and valid files read back what was written.
 */
class QueueFileFuzzTest {

    private static final QueueId ID = QueueId.parse("0661150A2F09C18FE0");
    private static final QueueId OTHER_ID = QueueId.parse("0661150A2F09C18FE1");
    private static final byte[][] DICTIONARY = {
        {'V'}, {'T'}, {'W'}, {'S'}, {'R'}, {'A'}, {'M'}, {'E'}, {'P'}, {'D'}, {'B'}, {'I'}, {'X'},
        "PRQF".getBytes(StandardCharsets.US_ASCII), "PRJL".getBytes(StandardCharsets.US_ASCII),
        {0, 0, 0, 0}, {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, {(byte) 0xc3}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
    };

    private static Path directory;
    private static Path file;
    private static Fuzz queueFuzz;
    private static Fuzz journalFuzz;
    private static Fuzz replayFuzz;

    @BeforeContainer
    static void setUp() throws IOException {
        // In memory where there is a tmpfs: a million files written and read back on a disk would
        // measure the file system's metadata journal, not the parser.
        Path shm = Path.of("/dev/shm");
        directory = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "queue-fuzz")
                : Files.createTempDirectory("queue-fuzz");
        file = directory.resolve(ID.toString());
    }

    @AfterContainer
    static void tearDown() throws IOException {
        for (Fuzz f : new Fuzz[] {queueFuzz, journalFuzz, replayFuzz}) {
            if (f != null) {
                f.close();
            }
        }
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- inputs ----------------------------------------------------------------------------------

    /** A valid queue file and what it holds. */
    record Valid(byte[] bytes, String sender, List<String> recipients, Map<String, String> attributes,
                 Instant arrival, Instant warning, byte[] content) {
    }

    /** An input: its bytes, and the valid file it was left as (null when mutated or random). */
    record Case(byte[] bytes, Valid valid) {
        @Override
        public String toString() {
            return Fuzz.show(bytes);
        }
    }

    static Valid valid(Random r) {
        String[] senders = {"", "app@example.com", "\"john doe\"@example.com", "rené@exämple.org", "a"};
        String sender = senders[r.nextInt(senders.length)];
        List<String> recipients = new ArrayList<>();
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            recipients.add("user" + r.nextInt(1000) + "@example.org");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            attributes.put("attr" + i, i == 0 ? "api" : "x=y");
        }
        Instant arrival = Instant.ofEpochSecond(1_700_000_000L + r.nextInt(1_000_000), r.nextInt(1_000_000_000));
        Instant warning = r.nextBoolean() ? null : arrival.plusSeconds(3600);
        byte[] content = new byte[r.nextInt(300)];
        r.nextBytes(content);
        byte[] header = QueueFile.header(sender, recipients, attributes, arrival, warning);
        ByteBuffer b = ByteBuffer.allocate(header.length + content.length + QueueFile.END_SIZE);
        b.put(header).put(content);
        b.putLong(header.length - 8, content.length);
        b.put(QueueFile.endRecord(header.length + content.length));
        return new Valid(b.array(), sender, recipients, attributes, arrival, warning, content);
    }

    /** Makes the last 13 bytes a correct END record for the input's size (so the parser reads on). */
    static byte[] fixEnd(byte[] bytes) {
        if (bytes.length < QueueFile.END_SIZE) {
            return bytes;
        }
        ByteBuffer.wrap(bytes).position(bytes.length - QueueFile.END_SIZE).put(QueueFile.endRecord(bytes.length - QueueFile.END_SIZE));
        return bytes;
    }

    static Case queueCase(Random r) {
        int kind = r.nextInt(20);
        if (kind == 0) {
            return new Case(Fuzz.randomBytes(r, 400), null);
        }
        if (kind == 1) {
            return new Case(fixEnd(Fuzz.randomBytes(r, 400)), null);
        }
        Valid v = valid(r);
        if (kind == 2) {
            return new Case(v.bytes(), v);
        }
        byte[] mutated = Fuzz.mutate(v.bytes(), r, DICTIONARY);
        return new Case(r.nextBoolean() ? fixEnd(mutated) : mutated, null);
    }

    @Provide
    Arbitrary<Case> queueFiles() {
        return Arbitraries.randomValue(QueueFileFuzzTest::queueCase);
    }

    // ---- the queue file parser ------------------------------------------------------------------

    @Property(shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void queueFileParserRejectsOrReadsBack(@ForAll("queueFiles") Case input) throws Exception {
        if (queueFuzz == null) {
            queueFuzz = Fuzz.start("queue-file");
        }
        Files.write(file, input.bytes());
        // The reader's own buffers (8 KiB), the fields it decodes (each at most the file), the exception.
        long bound = 64 * 1024 + 8L * input.bytes().length;
        queueFuzz.input(input.bytes(), bound, () -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                Envelope e = QueueFile.parse(channel, ID, file).envelope();
                assertTrue(!e.recipients().isEmpty(), "accepted a file without recipients");
                assertEquals(input.bytes().length, e.contentOffset() + e.contentLength() + QueueFile.END_SIZE);
                if (input.valid() != null) {
                    readsBack(input.valid(), e);
                }
                return true;
            } catch (CorruptQueueFileException e) {
                assertTrue(input.valid() == null, "a valid file was rejected: " + e.getMessage());
                assertTrue(e.getMessage().startsWith("queue file " + ID + ": ") && e.getMessage().contains(file.toString()),
                        "the error names neither the queue id nor the file: " + e.getMessage());
                return false;
            }
        });
    }

    static void readsBack(Valid v, Envelope e) {
        assertEquals(v.sender(), e.sender());
        assertEquals(v.recipients(), e.recipients().stream().map(Recipient::address).toList());
        assertTrue(e.recipients().stream().allMatch(x -> x.status() == RecipientStatus.PENDING));
        assertEquals(v.attributes(), e.attributes());
        assertEquals(v.arrival(), e.arrival());
        assertEquals(v.warning(), e.nextWarning());
        assertEquals(v.content().length, e.contentLength());
        byte[] content = java.util.Arrays.copyOfRange(v.bytes(), (int) e.contentOffset(),
                (int) (e.contentOffset() + e.contentLength()));
        assertTrue(java.util.Arrays.equals(v.content(), content), "content differs");
    }

    // ---- the journal segment reader ----------------------------------------------------------

    /** A segment and the records it holds when valid (null when mutated). */
    record Segment(byte[] bytes, long sequence, List<byte[]> images, int records) {
        @Override
        public String toString() {
            return Fuzz.show(bytes);
        }
    }

    static Segment segment(Random r) {
        long sequence = r.nextInt(3);
        int kind = r.nextInt(10);
        if (kind == 0) {
            byte[] random = Fuzz.randomBytes(r, 600);
            if (random.length >= JournalSegment.HEADER) {
                ByteBuffer.wrap(random).put(JournalSegment.MAGIC).putInt(JournalSegment.VERSION).putLong(sequence);
            }
            return new Segment(random, sequence, null, -1);
        }
        // Images: valid queue files, or (framed with a correct CRC) mutated ones.
        boolean garbleImages = kind <= 3;
        List<byte[]> images = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        out.put(JournalSegment.MAGIC).putInt(JournalSegment.VERSION).putLong(sequence);
        int records = 1 + r.nextInt(4);
        for (int i = 0; i < records; i++) {
            QueueId id = r.nextBoolean() ? ID : OTHER_ID;
            if (r.nextInt(4) == 0) {
                JournalSegment.putRecord(out, sequence, JournalSegment.REMOVED, id, new byte[0], 0);
            } else {
                byte[] image = valid(r).bytes();
                if (garbleImages) {
                    image = Fuzz.mutate(image, r, DICTIONARY);
                    if (r.nextBoolean()) {
                        image = fixEnd(image);
                    }
                }
                images.add(image);
                JournalSegment.putRecord(out, sequence, JournalSegment.IMAGE, id, image, image.length);
            }
        }
        out.put(new byte[r.nextInt(64)]);                   // the preallocated zeros after the last record
        byte[] bytes = java.util.Arrays.copyOf(out.array(), out.position());
        if (kind <= 3 || kind == 4) {
            return new Segment(bytes, sequence, kind == 4 ? images : null, kind == 4 ? records : -1);
        }
        return new Segment(Fuzz.mutate(bytes, r, DICTIONARY), sequence, null, -1);
    }

    @Provide
    Arbitrary<Segment> segments() {
        return Arbitraries.randomValue(QueueFileFuzzTest::segment);
    }

    @Property(shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void journalReaderStopsAtTheFirstBadRecord(@ForAll("segments") Segment input) throws Exception {
        if (journalFuzz == null) {
            journalFuzz = Fuzz.start("journal-segment");
        }
        Path segmentFile = directory.resolve(JournalSegment.name(input.sequence()));
        Files.write(segmentFile, input.bytes());
        Path image = directory.resolve(OTHER_ID.toString());
        long bound = 64 * 1024 + 16L * input.bytes().length;
        journalFuzz.input(input.bytes(), bound, () -> {
            List<byte[]> images = new ArrayList<>();
            int count;
            try (FileChannel channel = FileChannel.open(segmentFile, StandardOpenOption.READ)) {
                count = JournalSegment.read(channel, input.sequence(), (type, id, payload, offset, length) -> {
                    assertTrue(type == JournalSegment.IMAGE || type == JournalSegment.REMOVED, "type " + type);
                    assertTrue(offset + length <= payload.length);
                    if (type == JournalSegment.IMAGE) {
                        byte[] bytes = java.util.Arrays.copyOfRange(payload, offset, offset + length);
                        images.add(bytes);
                        Files.write(image, bytes);
                        try (FileChannel c = FileChannel.open(image, StandardOpenOption.READ)) {
                            QueueFile.parse(c, OTHER_ID, image);
                        } catch (CorruptQueueFileException e) {
                            // a garbled image whose CRC fits: replay restores it and recovery moves it to corrupt/
                        }
                    }
                });
            }
            if (input.images() != null) {
                assertEquals(input.records(), count, "records of a valid segment");
                assertEquals(input.images().size(), images.size());
                for (int i = 0; i < images.size(); i++) {
                    assertTrue(java.util.Arrays.equals(input.images().get(i), images.get(i)), "image " + i);
                }
            }
            return input.images() != null;
        });
    }

    /** Whole restarts over a garbled journal: a few hundred (each opens a spool and fsyncs). */
    @Property(tries = 300, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void recoveryOverAGarbledJournalKeepsOnlyWhatParses(@ForAll("segments") Segment input) throws Exception {
        if (replayFuzz == null) {
            replayFuzz = Fuzz.start("journal-replay");
        }
        Path spoolDir = Files.createTempDirectory(directory, "spool");
        Path journal = Files.createDirectories(spoolDir.resolve(Journal.DIRECTORY));
        Files.write(journal.resolve(JournalSegment.name(input.sequence())), input.bytes());
        replayFuzz.input(input.bytes(), 8L << 20, () -> {
            Spool spool = Spool.open(spoolDir);
            spool.recover();
            try (Stream<Path> left = Files.list(journal)) {
                assertEquals(0, left.count(), "segments left after replay");
            }
            for (QueueId id : List.of(ID, OTHER_ID)) {
                if (Files.exists(spool.path(QueueName.INCOMING, id))) {
                    spool.read(QueueName.INCOMING, id);     // what recovery kept in incoming/ parses
                }
            }
            return input.images() != null;
        });
    }
}
