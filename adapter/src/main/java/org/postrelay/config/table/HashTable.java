package org.postrelay.config.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.postrelay.config.ConfigException;

/**
 * A {@code hash:}, {@code btree:} or {@code lmdb:} table: the {@link PrdbFile} index that
 * Postrelay's postmap wrote beside the source file, read once when opened. The source itself is
 * only looked at to warn that the index is older than it, as Postfix does.
 */
public final class HashTable implements TableContents {

    /** Postfix warns about a stale index only once the source has been left alone this long. */
    static final long SOURCE_SETTLE_SECONDS = 100;

    private final String name;
    private final Path indexPath;
    private final PrdbFile index;
    private final FileStamp stamp;
    private final DictFlags flags;

    private HashTable(String name, Path indexPath, PrdbFile index, FileStamp stamp, DictFlags flags) {
        this.name = name;
        this.indexPath = indexPath;
        this.index = index;
        this.stamp = stamp;
        this.flags = flags;
    }

    /**
     * Opens {@code type:path}'s index, {@code path.prdb}.
     *
     * @throws ConfigException when the index is missing, unreadable or corrupt; the message names
     *                         the file and says how to (re)build it
     */
    public static HashTable open(String type, String path, DictFlags flags) {
        Path source = Path.of(path);
        Path indexPath = PrdbFile.indexOf(source);
        String rebuild = "\"postmap " + type + ":" + path + "\"";
        FileStamp stamp;
        byte[] bytes;
        try {
            stamp = FileStamp.of(indexPath);
            if (stamp.size() > Integer.MAX_VALUE - 16) {
                throw new ConfigException("open database " + indexPath + ": file too large (" + stamp.size() + " bytes)");
            }
            bytes = Files.readAllBytes(indexPath);
        } catch (NoSuchFileException e) {
            Path postfixDb = source.resolveSibling(source.getFileName() + ".db");
            throw new ConfigException("open database " + indexPath + ": No such file or directory; run " + rebuild
                    + " to create it" + (Files.exists(postfixDb) ? " (" + postfixDb
                    + " is Postfix's Berkeley DB file, which Postrelay does not read)" : ""));
        } catch (IOException e) {
            throw new ConfigException("open database " + indexPath + ": " + IoErrors.text(e), e);
        }
        PrdbFile index;
        try {
            index = PrdbFile.parse(bytes);
        } catch (PrdbFile.CorruptIndexException e) {
            throw new ConfigException("open database " + indexPath + ": corrupt index: " + e.getMessage()
                    + "; rebuild it with " + rebuild, e);
        }
        warnIfStale(source, indexPath, stamp, flags);
        return new HashTable(type + ":" + path, indexPath, index, stamp, flags);
    }

    private static void warnIfStale(Path source, Path indexPath, FileStamp stamp, DictFlags flags) {
        long sourceModified;
        try {
            sourceModified = Files.getLastModifiedTime(source).toMillis() / 1000;
        } catch (IOException e) {
            return; // the index may well be used without its source
        }
        long indexModified = stamp.modified().toMillis() / 1000;
        long now = System.currentTimeMillis() / 1000;
        if (sourceModified > indexModified && sourceModified < now - SOURCE_SETTLE_SECONDS) {
            flags.warnings().accept("database " + indexPath + " is older than source file " + source);
        }
    }

    @Override
    public Optional<String> lookup(String key) {
        return index.get(flags.key(Objects.requireNonNull(key, "key")));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean changed() {
        return stamp.changed(indexPath);
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return index.entries();
    }

    @Override
    public String toString() {
        return name;
    }
}
