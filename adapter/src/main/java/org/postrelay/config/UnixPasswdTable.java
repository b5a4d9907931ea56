package org.postrelay.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Postfix's {@code unix:passwd.byname} table: the user accounts in {@code /etc/passwd}, looked up by
 * name (the key folded to lower case, as Postfix's maps do); the value is the account's passwd line
 * ({@code name:x:uid:gid:gecos:home:shell}), as Postfix's getpwnam() answer is formatted.
 *
 * <p>Unlike the other tables this one follows the file: Postfix asks getpwnam() on every lookup, so
 * an account added or removed is seen at once. The file is read again only when its size, time or
 * inode changed. Only the file is read: accounts from other NSS sources (LDAP, sssd) are not seen.
 */
public final class UnixPasswdTable implements LookupTable {

    /** The only map of Postfix's unix: type that Postrelay reads. */
    public static final String NAME = "unix:passwd.byname";

    private record Snapshot(Object fileKey, FileTime modified, long size, Map<String, String> byName) {
    }

    private final Path file;
    private volatile Snapshot snapshot;

    /** The table over {@code /etc/passwd}. */
    public UnixPasswdTable() {
        this(Path.of("/etc/passwd"));
    }

    /** The table over another file in passwd(5) format (tests, chroots). */
    public UnixPasswdTable(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /**
     * Opens a {@code unix:} map by its name after the type, as {@code LookupTables.open} would.
     *
     * @throws ConfigException for any map but {@code passwd.byname}
     */
    public static UnixPasswdTable open(String mapName) {
        if (!"passwd.byname".equals(mapName)) {
            throw new ConfigException("unsupported lookup table \"unix:" + mapName
                    + "\" (expected unix:passwd.byname; unix:group.byname is not supported)");
        }
        return new UnixPasswdTable();
    }

    @Override
    public Optional<String> lookup(String key) {
        return Optional.ofNullable(current().byName().get(key.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String toString() {
        return NAME + " (" + file + ")";
    }

    private Snapshot current() {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw unreadable(e);
        }
        Snapshot known = snapshot;
        if (known != null && Objects.equals(known.fileKey(), attributes.fileKey())
                && known.modified().equals(attributes.lastModifiedTime()) && known.size() == attributes.size()) {
            return known;
        }
        Snapshot fresh = new Snapshot(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(), read());
        snapshot = fresh;
        return fresh;
    }

    private Map<String, String> read() {
        Map<String, String> byName = new HashMap<>();
        try {
            // Decoded leniently: a gecos field in another charset must not make every user unknown.
            for (String line : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n")) {
                int colon = line.indexOf(':');
                // Skip blanks, comments and NIS compat entries (+name, -name): getpwnam() would ask NIS.
                if (colon <= 0 || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
                    continue;
                }
                byName.putIfAbsent(line.substring(0, colon), line);   // the first entry wins, as getpwnam()
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
        return Map.copyOf(byName);
    }

    private ConfigException unreadable(IOException e) {
        return new ConfigException("cannot read lookup table " + NAME + ": " + file + ": " + e.getMessage());
    }
}
