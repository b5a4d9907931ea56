package org.postrelay.smtp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.postrelay.config.table.PrdbFile;

/**
 * Warns when a file of smtp_sasl_password_maps (the source file and, for hash:, btree: and lmdb:,
 * its .prdb index) can be read by anyone but its owner: it holds passwords in clear. Postfix itself
 * does not check this (its SASL_README only says "chmod 600"); Postrelay warns once at start-up and
 * goes on, as an admin moving from Postfix would not expect a start to fail over it.
 */
final class PasswordFileModes {

    private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ);

    private PasswordFileModes() {
    }

    /** Checks each table's files; {@code warn} gets one line per file that others can read. */
    static void check(List<String> maps, Consumer<String> warn) {
        for (String map : maps) {
            for (Path file : filesOf(map)) {
                Set<PosixFilePermission> mode;
                try {
                    mode = Files.getPosixFilePermissions(file);
                } catch (UnsupportedOperationException | IOException e) {
                    continue;                            // absent (opening says so) or no POSIX modes
                }
                if (mode.stream().anyMatch(OTHERS::contains)) {
                    warn.accept("smtp_sasl_password_maps: " + map + ": file " + file + " is readable by "
                            + (mode.contains(PosixFilePermission.OTHERS_READ) ? "all users" : "its group")
                            + " (mode " + PosixFilePermissions.toString(mode) + ") but holds passwords: chmod 600 "
                            + file);
                }
            }
        }
    }

    /** The files a table is read from: none for inline:, static: and unix: tables. */
    private static List<Path> filesOf(String map) {
        String name = map.startsWith("proxy:") ? map.substring("proxy:".length()) : map;
        int colon = name.indexOf(':');
        if (colon <= 0) {
            return List.of();
        }
        String type = name.substring(0, colon);
        Path path = Path.of(name.substring(colon + 1));
        List<Path> files = new ArrayList<>();
        switch (type) {
            case "hash", "btree", "lmdb" -> {
                files.add(path);
                files.add(PrdbFile.indexOf(path));
            }
            case "texthash" -> files.add(path);
            default -> {
                // not a file
            }
        }
        return files;
    }
}
