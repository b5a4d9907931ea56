package org.postrelay.config.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.postrelay.config.ConfigException;

/**
 * A {@code texthash:} table: the source file itself, parsed into memory when opened (Postfix's
 * dict_thash), so no postmap is needed.
 */
public final class TexthashTable implements TableContents {

    /** Reads of a file that keeps changing under us before we take what we have. */
    private static final int READ_ATTEMPTS = 3;

    private final String name;
    private final Path path;
    private final Map<String, String> entries;
    private final FileStamp stamp;
    private final DictFlags flags;

    private TexthashTable(String name, Path path, Map<String, String> entries, FileStamp stamp, DictFlags flags) {
        this.name = name;
        this.path = path;
        this.entries = entries;
        this.stamp = stamp;
        this.flags = flags;
    }

    /**
     * Reads and parses the file.
     *
     * @throws ConfigException when it cannot be read, or holds a duplicate key and the flags say
     *                         duplicates are fatal (as in Postfix's daemons)
     */
    public static TexthashTable open(String path, DictFlags flags) {
        Path file = Path.of(path);
        FileStamp stamp;
        byte[] bytes;
        try {
            // Read again when the file changed while we read it (an editor writing it in place).
            int attempt = 0;
            do {
                stamp = FileStamp.of(file);
                bytes = Files.readAllBytes(file);
            } while (++attempt < READ_ATTEMPTS && stamp.changed(file));
        } catch (IOException e) {
            throw new ConfigException("open database " + path + ": " + IoErrors.text(e), e);
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (TableEntry e : SourceFile.parse(bytes, path, true, flags.warnings())) {
            flags.put(entries, flags.key(e.key()), e.value(), path + ", line " + e.line());
        }
        return new TexthashTable("texthash:" + path, file, Collections.unmodifiableMap(entries), stamp, flags);
    }

    @Override
    public Optional<String> lookup(String key) {
        return Optional.ofNullable(entries.get(flags.key(Objects.requireNonNull(key, "key"))));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean changed() {
        return stamp.changed(path);
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        return new ArrayList<>(entries.entrySet());
    }

    @Override
    public String toString() {
        return name;
    }
}
