package org.postrelay.config.table;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Postrelay's indexed lookup table file, {@code FILE.prdb} beside the source {@code FILE}: what
 * Postfix keeps in Berkeley DB's {@code FILE.db}, in a format of our own (the name differs so that
 * neither program ever reads or clobbers the other's file). An instance is an immutable snapshot of
 * the file read once, safe for any number of threads.
 *
 * <p>Layout, all integers big-endian unsigned:
 * <pre>
 *  0  magic      8 bytes  89 'P' 'R' 'D' 'B' 0D 0A 1A
 *  8  version    u16      1
 * 10  flags      u16      bit 0: keys were folded to lower case when built
 * 12  entries    u32      number of records
 * 16  slots      u32      hash slots, a power of two, at least twice the entries
 * 20  dataLength u64      bytes of the record area
 * 28  bodyCrc    u32      CRC-32C of everything after the header
 * 32  reserved   u32      0
 * 36  headerCrc  u32      CRC-32C of bytes 0..35
 * 40  slot table: slots x (u32 key hash, u32 record offset + 1; 0 = empty slot)
 *     records, in source order: u32 key length, u32 value length, key, value (UTF-8)
 * </pre>
 * The key hash is 32-bit FNV-1a over the key's UTF-8 bytes followed by MurmurHash3's fmix32
 * finaliser; collisions probe linearly. A lookup reads one slot run and one record.
 */
public final class PrdbFile {

    /** Suffix of the index beside its source file. */
    public static final String SUFFIX = ".prdb";
    static final byte[] MAGIC = {(byte) 0x89, 'P', 'R', 'D', 'B', 0x0d, 0x0a, 0x1a};
    static final int VERSION = 1;
    static final int HEADER = 40;
    private static final int FLAG_FOLDED = 1;
    /** The whole file lives in one Java array. */
    private static final long MAX_FILE = Integer.MAX_VALUE - 16;

    private final byte[] file;
    private final int entries;
    private final int slots;
    private final boolean folded;
    private final int dataStart;

    private PrdbFile(byte[] file, int entries, int slots, boolean folded) {
        this.file = file;
        this.entries = entries;
        this.slots = slots;
        this.folded = folded;
        this.dataStart = HEADER + 8 * slots;
    }

    /** The index file of a source file: the same path plus {@link #SUFFIX}. */
    public static Path indexOf(Path source) {
        return source.resolveSibling(source.getFileName() + SUFFIX);
    }

    // ---- reading -------------------------------------------------------------------------------

    /**
     * Checks and wraps the bytes of an index file.
     *
     * @throws CorruptIndexException saying what is wrong with them
     */
    public static PrdbFile parse(byte[] file) throws CorruptIndexException {
        if (file.length < HEADER || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptIndexException("not a Postrelay lookup table index (bad magic number)");
        }
        ByteBuffer header = ByteBuffer.wrap(file, 0, HEADER);
        int version = Short.toUnsignedInt(header.getShort(8));
        if (version != VERSION) {
            throw new CorruptIndexException("unsupported index version " + version + " (this Postrelay reads "
                    + VERSION + ")");
        }
        if (crc(file, 0, 36) != header.getInt(36)) {
            throw new CorruptIndexException("header checksum mismatch");
        }
        int flags = Short.toUnsignedInt(header.getShort(10));
        long entries = Integer.toUnsignedLong(header.getInt(12));
        long slots = Integer.toUnsignedLong(header.getInt(16));
        long dataLength = header.getLong(20);
        if (slots == 0 || Long.bitCount(slots) != 1 || slots < 2 * entries || slots > MAX_FILE / 8
                || dataLength < 0 || HEADER + 8 * slots + dataLength != file.length) {
            throw new CorruptIndexException("inconsistent sizes (" + entries + " entries, " + slots + " slots, "
                    + dataLength + " data bytes in a file of " + file.length + " bytes; truncated?)");
        }
        if (crc(file, HEADER, file.length - HEADER) != header.getInt(28)) {
            throw new CorruptIndexException("checksum mismatch");
        }
        PrdbFile index = new PrdbFile(file, (int) entries, (int) slots, (flags & FLAG_FOLDED) != 0);
        index.checkStructure();
        return index;
    }

    /** Every slot must name a whole record and every record one slot: lookups then stay in bounds. */
    private void checkStructure() throws CorruptIndexException {
        BitSet starts = new BitSet();
        int count = 0;
        for (int at = dataStart; at < file.length; count++) {
            if (file.length - at < 8) {
                throw new CorruptIndexException("record " + count + " is cut short");
            }
            long end = (long) at + 8 + Integer.toUnsignedLong(u32(at)) + Integer.toUnsignedLong(u32(at + 4));
            if (end > file.length) {
                throw new CorruptIndexException("record " + count + " runs past the end");
            }
            starts.set(at - dataStart);
            at = (int) end;
        }
        int used = 0;
        for (int s = 0; s < slots; s++) {
            int offset = u32(HEADER + 8 * s + 4);
            if (offset != 0) {
                used++;
                if (offset < 0 || !starts.get(offset - 1)) {
                    throw new CorruptIndexException("slot " + s + " points outside the records");
                }
            }
        }
        if (count != entries || used != entries) {
            throw new CorruptIndexException("header says " + entries + " entries, found " + count + " records and "
                    + used + " slots");
        }
    }

    /** The value stored under exactly this key (already folded, if the table folds). */
    public Optional<String> get(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int hash = hash(k);
        int mask = slots - 1;
        for (int i = 0, s = hash & mask; i < slots; i++, s = (s + 1) & mask) {
            int slot = HEADER + 8 * s;
            int offset = u32(slot + 4);
            if (offset == 0) {
                return Optional.empty();
            }
            if (u32(slot) == hash) {
                int at = dataStart + offset - 1;
                int keyLength = u32(at);
                int keyStart = at + 8;
                if (keyLength == k.length && Arrays.equals(file, keyStart, keyStart + keyLength, k, 0, k.length)) {
                    return Optional.of(new String(file, keyStart + keyLength, u32(at + 4), StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.empty();
    }

    /** All records in the order they were written (source order). */
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> all = new ArrayList<>(entries);
        for (int at = dataStart; at < file.length; ) {
            int keyLength = u32(at);
            int valueLength = u32(at + 4);
            String key = new String(file, at + 8, keyLength, StandardCharsets.UTF_8);
            String value = new String(file, at + 8 + keyLength, valueLength, StandardCharsets.UTF_8);
            all.add(new SimpleImmutableEntry<>(key, value));
            at += 8 + keyLength + valueLength;
        }
        return all;
    }

    /** Number of records. */
    public int size() {
        return entries;
    }

    /** Whether the keys were folded to lower case when the index was built (not with postmap -f). */
    public boolean folded() {
        return folded;
    }

    private int u32(int at) {
        return ((file[at] & 0xff) << 24) | ((file[at + 1] & 0xff) << 16) | ((file[at + 2] & 0xff) << 8)
                | (file[at + 3] & 0xff);
    }

    // ---- writing -------------------------------------------------------------------------------

    /** The bytes of an index holding these entries (keys as they are to be matched). */
    public static byte[] build(Map<String, String> entries, boolean folded) {
        List<byte[]> keys = new ArrayList<>(entries.size());
        List<byte[]> values = new ArrayList<>(entries.size());
        long dataLength = 0;
        for (Map.Entry<String, String> e : entries.entrySet()) {
            byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
            keys.add(k);
            values.add(v);
            dataLength += 8L + k.length + v.length;
        }
        long slots = Long.highestOneBit(Math.max(8L, 2L * entries.size()) - 1) << 1;
        long total = HEADER + 8 * slots + dataLength;
        if (total > MAX_FILE) {
            throw new IllegalArgumentException("table too large for one index file: " + total + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total);
        out.put(MAGIC).putShort((short) VERSION).putShort((short) (folded ? FLAG_FOLDED : 0))
                .putInt(entries.size()).putInt((int) slots).putLong(dataLength);
        int mask = (int) slots - 1;
        int dataStart = HEADER + 8 * (int) slots;
        int at = dataStart;
        for (int i = 0; i < keys.size(); i++) {
            byte[] k = keys.get(i);
            byte[] v = values.get(i);
            int hash = hash(k);
            int s = hash & mask;
            while (out.getInt(HEADER + 8 * s + 4) != 0) {
                s = (s + 1) & mask;
            }
            out.putInt(HEADER + 8 * s, hash).putInt(HEADER + 8 * s + 4, at - dataStart + 1);
            out.putInt(at, k.length).putInt(at + 4, v.length).put(at + 8, k).put(at + 8 + k.length, v);
            at += 8 + k.length + v.length;
        }
        byte[] file = out.array();
        out.putInt(28, crc(file, HEADER, file.length - HEADER));
        out.putInt(36, crc(file, 0, 36));
        return file;
    }

    /**
     * Replaces {@code index} atomically with {@code content}: a temporary file in the same directory
     * is given its permissions, written, forced to disk and renamed over the index, and the
     * directory is forced, so a reader sees the old index or the new one, never a mix, even after a
     * crash.
     *
     * @param permissions the new file's permissions (null: the platform's default for new files)
     * @param ownerOf     when running as root, give the new file this file's owner and group (null:
     *                    leave it root's)
     */
    public static void writeAtomically(Path index, byte[] content, Set<PosixFilePermission> permissions,
            Path ownerOf) throws IOException {
        Path dir = index.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + index.getFileName() + ".", ".tmp");
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
            if (posix != null && permissions != null) {
                posix.setPermissions(permissions);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            // As postmap run by root: the index belongs to the source's owner (only root may give files away).
            if (posix != null && ownerOf != null && posix.getOwner().getName().equals("root")) {
                var source = Files.getFileAttributeView(ownerOf, PosixFileAttributeView.class).readAttributes();
                posix.setOwner(source.owner());
                posix.setGroup(source.group());
            }
            try {
                Files.move(temp, index, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + temp + " to " + index + " atomically", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        forceDirectory(dir);
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    // ---- shared --------------------------------------------------------------------------------

    static int hash(byte[] key) {
        int h = 0x811c9dc5;
        for (byte b : key) {
            h = (h ^ (b & 0xff)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /** An index file that cannot be used; the message says why. */
    public static final class CorruptIndexException extends Exception {

        private static final long serialVersionUID = 1L;

        CorruptIndexException(String message) {
            super(message);
        }
    }
}
