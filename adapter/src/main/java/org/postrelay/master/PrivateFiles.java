package org.postrelay.master;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creates the engine's own files under queue_directory (pid/, public/, master.out) private to their
 * owner, whatever the process umask: directories 0700, files 0600, as the spool's own (see
 * queue/Spool). On a file system without POSIX modes the attributes are left out.
 */
public final class PrivateFiles {

    private PrivateFiles() {
    }

    /** Creates the directory and any missing parents with mode 0700; an existing one is left as it is. */
    public static Path directories(Path dir) throws IOException {
        return Files.createDirectories(dir, attributes(dir, "rwx------"));
    }

    /** The attribute that creates a file with mode 0600 (empty where modes are unsupported). */
    public static FileAttribute<?>[] file(Path file) {
        return attributes(file, "rw-------");
    }

    /** Creates the file empty with mode 0600 unless it exists. */
    public static void touch(Path file) throws IOException {
        try {
            Files.createFile(file, file(file));
        } catch (FileAlreadyExistsException e) {
            // kept as it is, contents and all
        }
    }

    private static FileAttribute<?>[] attributes(Path p, String mode) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))}
                : new FileAttribute<?>[0];
    }
}
