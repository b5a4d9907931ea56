package org.postrelay.tools;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postrelay.config.Config;
import org.postrelay.config.ConfigException;
import org.postrelay.config.LookupTable;
import org.postrelay.config.LookupTables;
import org.postrelay.config.Parameters;
import org.postrelay.config.table.DictFlags;
import org.postrelay.config.table.DictFlags.Duplicates;
import org.postrelay.config.table.IoErrors;
import org.postrelay.config.table.PrdbFile;
import org.postrelay.config.table.SourceFile;
import org.postrelay.config.table.TableContents;
import org.postrelay.config.table.TableEntry;

/**
 * postmap(1): builds Postrelay's lookup table indexes ({@code FILE.prdb}) from source files, and
 * queries, lists and updates tables, with Postfix's options, output, messages and exit status.
 * Supported: {@code -c -d -f -i -n -N -o -p -q -r -s -v -w}; {@code -b -F -h -m -u -U} are refused.
 */
public final class Postmap {

    static final String USAGE = "usage: postmap [-bfFhimnNoprsuUvw] [-c config_dir] [-d key] [-q key]"
            + " [map_type:]file...";
    private static final String OPTIONS = "bc:d:fFhimnNopq:rsuUvw";
    private static final String UNSUPPORTED = "bFhmuU";

    private final Map<String, String> environment;

    /** A postmap that reads MAIL_CONFIG from this environment. */
    public Postmap(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status = new Postmap(System.getenv()).run(List.of(args), System.in, out, err);
        out.flush();
        System.exit(status);
    }

    /** Runs one command; returns the exit status (0 success or found, 1 not found or fatal). */
    public int run(List<String> args, InputStream stdin, PrintStream out, PrintStream err) {
        try {
            return new Run(stdin, out, err).execute(args);
        } catch (Fatal | ConfigException e) {
            out.flush();
            err.println("postmap: fatal: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
        }
    }

    /** A fatal error: printed as "postmap: fatal: message", exit status 1. */
    private static final class Fatal extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Fatal(String message) {
            super(message, null, false, false);
        }
    }

    /** The state of one invocation. */
    private final class Run {

        private final InputStream stdin;
        private final PrintStream out;
        private final PrintStream err;
        private boolean fold = true;
        private Duplicates duplicates = Duplicates.WARN;
        private boolean incremental;
        private boolean savePermissions = true;
        private boolean asOwner = true;
        private boolean sequence;
        private String query;
        private String deleteKey;
        private String configDirectory;
        private String defaultType;

        Run(InputStream stdin, PrintStream out, PrintStream err) {
            this.stdin = stdin;
            this.out = out;
            this.err = err;
        }

        int execute(List<String> args) {
            List<String> maps = parseOptions(args);
            defaultType = readDefaultType();
            if (deleteKey != null) {
                requireMaps(maps);
                return deleteKey.equals("-") ? deleteFromStdin(maps) : delete(maps, List.of(deleteKey));
            }
            if (query != null) {
                requireMaps(maps);
                return query.equals("-") ? queryStdin(maps) : query(maps);
            }
            if (sequence) {
                // As Postfix: only the first table is listed; none given is a silent failure.
                return maps.isEmpty() ? 1 : list(maps.get(0));
            }
            requireMaps(maps);
            for (String map : maps) {
                build(map);
            }
            return 0;
        }

        // ---- options ----------------------------------------------------------------------------

        /** POSIX getopt ({@link Getopt}), options applied in the order given; returns the operands. */
        private List<String> parseOptions(List<String> args) {
            Getopt options;
            try {
                options = new Getopt(OPTIONS, args);
            } catch (Getopt.UsageException e) {
                err.println("postmap: " + e.getMessage());
                throw new Fatal(USAGE);
            }
            for (Getopt.Option o : options.ordered()) {
                option(o.letter(), o.value());
            }
            return new ArrayList<>(options.operands());
        }

        private void option(char option, String value) {
            if (UNSUPPORTED.indexOf(option) >= 0) {
                throw new Fatal("option -" + option + " is not supported by Postrelay's postmap");
            }
            switch (option) {
                case 'c' -> configDirectory = value;
                case 'd' -> {
                    if (sequence || query != null || deleteKey != null) {
                        throw new Fatal("specify only one of -s -q or -d");
                    }
                    deleteKey = value;
                }
                case 'q' -> {
                    if (sequence || query != null || deleteKey != null) {
                        throw new Fatal("specify only one of -s -q or -d");
                    }
                    query = value;
                }
                case 's' -> {
                    if (query != null || deleteKey != null) {
                        throw new Fatal("specify only one of -s or -q or -d");
                    }
                    sequence = true;
                }
                case 'f' -> fold = false;
                case 'i' -> incremental = true;
                case 'o' -> asOwner = false;
                case 'p' -> savePermissions = false;
                case 'r' -> duplicates = Duplicates.REPLACE;
                case 'w' -> duplicates = Duplicates.IGNORE;
                case 'n', 'N', 'v' -> {
                    // -n/-N: the index stores no terminating null bytes either way; -v: no verbose log
                }
                default -> throw new IllegalStateException("option -" + option);
            }
        }

        private void requireMaps(List<String> maps) {
            if (maps.isEmpty()) {
                throw new Fatal(USAGE);
            }
        }

        /** default_database_type from main.cf in -c DIR, $MAIL_CONFIG or config_directory, if there is one. */
        private String readDefaultType() {
            String dir = ConfigDirectory.of(configDirectory, environment).path().toString();
            Path mainCf = Path.of(dir, "main.cf");
            if (!Files.exists(mainCf)) {
                return Parameters.DEFAULT_DATABASE_TYPE.defaultValue();
            }
            try {
                return Config.load(Path.of(dir), Map.of()).get(Parameters.DEFAULT_DATABASE_TYPE);
            } catch (IOException e) {
                throw new Fatal("open " + mainCf + ": " + IoErrors.text(e));
            }
        }

        private DictFlags flags() {
            return new DictFlags(fold, duplicates, message -> err.println("postmap: warning: " + message));
        }

        /** "type:name" for an operand, with default_database_type when it names no type. */
        private String qualified(String map) {
            return map.indexOf(':') > 0 ? map : defaultType + ":" + map;
        }

        // ---- queries ------------------------------------------------------------------------------

        private int query(List<String> maps) {
            for (String map : maps) {
                LookupTable table = LookupTables.open(qualified(map), flags());
                Optional<String> value = table.lookup(query);
                if (value.isPresent()) {
                    warnIfEmpty(table, query, value.get());
                    out.println(value.get());
                    return 0;
                }
            }
            return 1;
        }

        private int queryStdin(List<String> maps) {
            LookupTable[] tables = new LookupTable[maps.size()];
            boolean found = false;
            for (String key : readLines()) {
                for (int n = 0; n < maps.size(); n++) {
                    if (tables[n] == null) {
                        // Opened on first use, as Postfix does, so an unneeded table may be missing.
                        tables[n] = LookupTables.open(qualified(maps.get(n)), flags());
                    }
                    Optional<String> value = tables[n].lookup(key);
                    if (value.isPresent()) {
                        warnIfEmpty(tables[n], key, value.get());
                        out.println(key + "\t" + value.get());
                        found = true;
                        break;
                    }
                }
            }
            return found ? 0 : 1;
        }

        private void warnIfEmpty(LookupTable table, String key, String value) {
            if (value.isEmpty()) {
                err.println("postmap: warning: table " + table.name() + ": key " + key
                        + ": empty string result is not allowed");
                err.println("postmap: warning: table " + table.name() + " should return NO RESULT in case of NOT FOUND");
            }
        }

        private int list(String map) {
            String name = qualified(map);
            if (name.startsWith("proxy:")) {
                throw new Fatal("can't sequence maps via the proxy service");
            }
            LookupTable table = LookupTables.open(name, flags());
            if (!(table instanceof TableContents contents)) {
                throw new Fatal("table " + table.name() + ": sequence operation is not supported");
            }
            for (Map.Entry<String, String> e : contents.entries()) {
                out.println(e.getKey() + "\t" + e.getValue());
            }
            return 0;
        }

        private List<String> readLines() {
            List<String> lines = new ArrayList<>();
            try {
                BufferedReader reader = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
                for (String line = readLine(reader); line != null; line = readLine(reader)) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new Fatal("read stdin: " + IoErrors.text(e));
            }
            return lines;
        }

        /** A line without its newline; a carriage return stays (Postfix's vstring_get_nonl). */
        private String readLine(BufferedReader reader) throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = reader.read()) != -1 && c != '\n') {
                line.append((char) c);
            }
            return c == -1 && line.length() == 0 ? null : line.toString();
        }

        // ---- building and updating ------------------------------------------------------------------

        private void build(String map) {
            String name = qualified(map);
            int colon = name.indexOf(':');
            String type = name.substring(0, colon);
            String path = name.substring(colon + 1);
            checkWritable(type, path, "bulk-mode creation");
            Path source = Path.of(path);
            Path index = PrdbFile.indexOf(source);
            Map<String, String> entries = new LinkedHashMap<>();
            boolean folded = fold;
            Set<PosixFilePermission> permissions;
            Path ownerOf;
            List<TableEntry> records;
            if (incremental) {
                PrdbFile existing = readExisting(index, type, path);
                if (existing != null) {
                    existing.entries().forEach(e -> entries.put(e.getKey(), e.getValue()));
                    folded = existing.folded();
                    // An update keeps the file's permissions and owner, as an update in place would.
                    permissions = permissionsOf(index);
                    ownerOf = index;
                } else {
                    permissions = defaultPermissions();
                    ownerOf = null;
                }
                records = SourceFile.parse(readStdin(), "stdin", false, flags().warnings());
            } else {
                byte[] content;
                try {
                    content = Files.readAllBytes(source);
                } catch (IOException e) {
                    throw new Fatal("open " + path + ": " + IoErrors.text(e));
                }
                permissions = savePermissions ? inheritedPermissions(source) : defaultPermissions();
                ownerOf = asOwner ? source : null;
                records = SourceFile.parse(content, path, false, flags().warnings());
            }
            DictFlags flags = flags();
            for (TableEntry record : records) {
                flags.put(entries, flags.key(record.key()), record.value(), index.toString());
            }
            write(type, path, index, entries, folded, permissions, ownerOf);
        }

        private int deleteFromStdin(List<String> maps) {
            return delete(maps, readLines());
        }

        /** Removes each key from each table; 0 when at least one entry went. */
        private int delete(List<String> maps, List<String> keys) {
            boolean found = false;
            for (String map : maps) {
                String name = qualified(map);
                int colon = name.indexOf(':');
                String type = name.substring(0, colon);
                String path = name.substring(colon + 1);
                checkWritable(type, path, "delete");
                Path index = PrdbFile.indexOf(Path.of(path));
                PrdbFile existing = readExisting(index, type, path);
                if (existing == null) {
                    throw new Fatal("open database " + index + ": No such file or directory");
                }
                Map<String, String> entries = new LinkedHashMap<>();
                existing.entries().forEach(e -> entries.put(e.getKey(), e.getValue()));
                boolean changed = false;
                for (String key : keys) {
                    changed |= entries.remove(flags().key(key)) != null;
                }
                if (changed) {
                    write(type, path, index, entries, existing.folded(), permissionsOf(index), index);
                }
                found |= changed;
            }
            return found ? 0 : 1;
        }

        private void checkWritable(String type, String path, String operation) {
            if (path.isEmpty()) {
                throw new Fatal("open dictionary: expecting \"type:name\" form instead of \"" + type + ":\"");
            }
            switch (type) {
                case "hash", "btree", "lmdb" -> {
                    // our index
                }
                case "proxy" -> throw new Fatal("can't " + (operation.equals("delete") ? "delete from" : "create")
                        + " maps via the proxy service");
                case "texthash", "inline", "static" -> throw new Fatal(operation.equals("delete")
                        ? type + ":" + path + " map requires O_RDONLY access mode"
                        : "unsupported dictionary type: " + type + " does not support bulk-mode creation.");
                default -> throw new Fatal("unsupported dictionary type: " + type);
            }
        }

        /** The index, or null when there is none; a corrupt one is fatal. */
        private PrdbFile readExisting(Path index, String type, String path) {
            try {
                return PrdbFile.parse(Files.readAllBytes(index));
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw new Fatal("open database " + index + ": " + IoErrors.text(e));
            } catch (PrdbFile.CorruptIndexException e) {
                throw new Fatal("open database " + index + ": corrupt index: " + e.getMessage()
                        + "; rebuild it with \"postmap " + type + ":" + path + "\"");
            }
        }

        private void write(String type, String path, Path index, Map<String, String> entries, boolean folded,
                Set<PosixFilePermission> permissions, Path ownerOf) {
            try {
                PrdbFile.writeAtomically(index, PrdbFile.build(entries, folded), permissions, ownerOf);
            } catch (IOException | IllegalArgumentException e) {
                throw new Fatal("table " + type + ":" + path + ": write error: "
                        + (e instanceof IOException io ? IoErrors.text(io) : e.getMessage()));
            }
        }

        private byte[] readStdin() {
            try {
                return stdin.readAllBytes();
            } catch (IOException e) {
                throw new Fatal("read stdin: " + IoErrors.text(e));
            }
        }

        /**
         * As postmap's umask(022 | (~source_mode &amp; 077)) on a 0644 file: read and write for the
         * owner, read for group and others only where the source grants it (a 0600 sasl_passwd
         * gives a 0600 index).
         */
        private Set<PosixFilePermission> inheritedPermissions(Path source) {
            Set<PosixFilePermission> permissions = EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE);
            Set<PosixFilePermission> sourcePermissions = permissionsOf(source);
            if (sourcePermissions == null) {
                return null;
            }
            for (PosixFilePermission p : List.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ)) {
                if (sourcePermissions.contains(p)) {
                    permissions.add(p);
                }
            }
            return permissions;
        }

        private Set<PosixFilePermission> defaultPermissions() {
            return EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        }

        /** The file's permissions, or null on a file system without POSIX permissions. */
        private Set<PosixFilePermission> permissionsOf(Path file) {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (view == null) {
                return null;
            }
            try {
                return view.readAttributes().permissions();
            } catch (IOException e) {
                throw new Fatal("fstat " + file + ": " + IoErrors.text(e));
            }
        }
    }
}
