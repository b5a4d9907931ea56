package org.postrelay.config.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What identifies one version of a file (modification time, size, inode): a table compares the
 * stamp taken when it was read with the file now to tell its snapshot is out of date, as Postfix's
 * dict_changed_name() does with the database file.
 */
record FileStamp(FileTime modified, long size, Object fileKey) {

    static FileStamp of(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileStamp(a.lastModifiedTime(), a.size(), a.fileKey());
    }

    /** True when the file is now another version, or gone. */
    boolean changed(Path file) {
        try {
            return !equals(of(file));
        } catch (IOException e) {
            return true;
        }
    }
}
