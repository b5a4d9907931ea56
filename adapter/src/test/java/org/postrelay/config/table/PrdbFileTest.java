package org.postrelay.config.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .prdb index format: round trip, size, integrity checks and atomic replacement. */
class PrdbFileTest {

    @TempDir
    Path dir;

    private static Map<String, String> sample() {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("[smtp.example.com]:587", "user:secret");
        entries.put("äöü", "umlaut value ✓");
        entries.put("", "empty key");
        entries.put("empty value", "");
        return entries;
    }

    @Test
    void entriesShouldRoundTripInOrderWithExactLookups() throws Exception {
        PrdbFile index = PrdbFile.parse(PrdbFile.build(sample(), true));

        assertEquals(List.copyOf(sample().entrySet()), index.entries());
        assertEquals(4, index.size());
        assertTrue(index.folded());
        assertEquals(Optional.of("user:secret"), index.get("[smtp.example.com]:587"));
        assertEquals(Optional.of("umlaut value ✓"), index.get("äöü"));
        assertEquals(Optional.of("empty key"), index.get(""));
        assertEquals(Optional.of(""), index.get("empty value"));
        assertEquals(Optional.empty(), index.get("[smtp.example.com]"));
        assertEquals(Optional.empty(), index.get("[SMTP.example.com]:587"), "the index itself does not fold");
    }

    @Test
    void anEmptyTableShouldBeAValidIndex() throws Exception {
        PrdbFile index = PrdbFile.parse(PrdbFile.build(Map.of(), false));

        assertEquals(0, index.size());
        assertFalse(index.folded());
        assertEquals(Optional.empty(), index.get("anything"));
    }

    @Test
    void aHundredThousandKeysShouldAllBeFoundAndNothingElse() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < 100_000; i++) {
            entries.put("user" + i + "@example.com", "value-" + i);
        }
        Path file = dir.resolve("big.prdb");
        PrdbFile.writeAtomically(file, PrdbFile.build(entries, true), null, null);

        PrdbFile index = PrdbFile.parse(Files.readAllBytes(file));

        assertEquals(100_000, index.size());
        for (int i = 0; i < 100_000; i++) {
            assertEquals(Optional.of("value-" + i), index.get("user" + i + "@example.com"));
            assertEquals(Optional.empty(), index.get("user" + i + "@example.org"));
        }
    }

    @Test
    void aFileThatIsNoIndexShouldBeRecognised() {
        PrdbFile.CorruptIndexException e = assertThrows(PrdbFile.CorruptIndexException.class,
                () -> PrdbFile.parse("junk".getBytes()));
        assertEquals("not a Postrelay lookup table index (bad magic number)", e.getMessage());
        // Postfix's Berkeley DB hash file starts otherwise too.
        assertThrows(PrdbFile.CorruptIndexException.class, () -> PrdbFile.parse(new byte[12288]));
    }

    @Test
    void anotherVersionShouldBeRefusedByNumber() {
        byte[] file = PrdbFile.build(sample(), true);
        file[9] = 2;

        PrdbFile.CorruptIndexException e = assertThrows(PrdbFile.CorruptIndexException.class, () -> PrdbFile.parse(file));
        assertEquals("unsupported index version 2 (this Postrelay reads 1)", e.getMessage());
    }

    @Test
    void aTruncatedFileShouldBeReportedAsSuch() {
        byte[] file = PrdbFile.build(sample(), true);
        byte[] truncated = java.util.Arrays.copyOf(file, file.length - 3);

        PrdbFile.CorruptIndexException e = assertThrows(PrdbFile.CorruptIndexException.class,
                () -> PrdbFile.parse(truncated));
        assertTrue(e.getMessage().startsWith("inconsistent sizes") && e.getMessage().endsWith("truncated?)"),
                e.getMessage());
    }

    @Test
    void everyFlippedByteShouldBeDetected() {
        byte[] good = PrdbFile.build(sample(), true);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x40;
            int at = i;
            assertThrows(PrdbFile.CorruptIndexException.class, () -> PrdbFile.parse(bad), () -> "byte " + at);
        }
    }

    @Test
    void aSlotPointingIntoARecordShouldBeRefusedEvenWithGoodChecksums() {
        byte[] file = PrdbFile.build(Map.of("a", "b"), true);
        ByteBuffer buffer = ByteBuffer.wrap(file);
        for (int s = 0; s < buffer.getInt(16); s++) {
            int offsetAt = PrdbFile.HEADER + 8 * s + 4;
            if (buffer.getInt(offsetAt) != 0) {
                buffer.putInt(offsetAt, 3);
            }
        }
        rechecksum(file);

        PrdbFile.CorruptIndexException e = assertThrows(PrdbFile.CorruptIndexException.class, () -> PrdbFile.parse(file));
        assertTrue(e.getMessage().contains("points outside the records"), e.getMessage());
    }

    @Test
    void aRecordRunningPastTheEndShouldBeRefusedEvenWithGoodChecksums() {
        byte[] file = PrdbFile.build(Map.of("a", "b"), true);
        ByteBuffer buffer = ByteBuffer.wrap(file);
        int dataStart = PrdbFile.HEADER + 8 * buffer.getInt(16);
        buffer.putInt(dataStart, 1000);
        rechecksum(file);

        PrdbFile.CorruptIndexException e = assertThrows(PrdbFile.CorruptIndexException.class, () -> PrdbFile.parse(file));
        assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
    }

    private static void rechecksum(byte[] file) {
        ByteBuffer buffer = ByteBuffer.wrap(file);
        CRC32C body = new CRC32C();
        body.update(file, PrdbFile.HEADER, file.length - PrdbFile.HEADER);
        buffer.putInt(28, (int) body.getValue());
        CRC32C header = new CRC32C();
        header.update(file, 0, 36);
        buffer.putInt(36, (int) header.getValue());
    }

    @Test
    void writingShouldReplaceTheIndexWholeWithTheGivenPermissionsAndLeaveNoTemporaryFile() throws Exception {
        Path index = dir.resolve("sasl_passwd.prdb");
        Files.writeString(index, "old contents");
        byte[] content = PrdbFile.build(sample(), true);

        PrdbFile.writeAtomically(index, content, PosixFilePermissions.fromString("rw-------"), null);

        assertArrayEquals(content, Files.readAllBytes(index));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(index)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(index), files.toList());
        }
    }

    @Test
    void aFailedWriteShouldLeaveTheOldIndexAndNoTemporaryFile() throws IOException {
        Path index = dir.resolve("t.prdb");
        Files.createDirectory(index); // cannot be replaced by a file
        Files.writeString(index.resolve("keep"), "x");

        assertThrows(IOException.class, () -> PrdbFile.writeAtomically(index, PrdbFile.build(sample(), true), null, null));

        assertTrue(Files.isDirectory(index));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(index), files.toList());
        }
    }

    @Test
    void theIndexShouldSitBesideItsSourceWithItsOwnSuffix() {
        assertEquals(Path.of("/etc/postfix/sasl_passwd.prdb"), PrdbFile.indexOf(Path.of("/etc/postfix/sasl_passwd")));
        assertEquals(Path.of("sasl_passwd.prdb"), PrdbFile.indexOf(Path.of("sasl_passwd")));
    }
}
