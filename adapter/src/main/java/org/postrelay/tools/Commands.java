package org.postrelay.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.LogManager;

/** What the admin commands share: Postfix-shaped fatal errors, quiet logging, safe file rewrites. */
final class Commands {

    private Commands() {
    }

    /** An error that ends the command with "NAME: fatal: MESSAGE" and exit status 1. */
    static final class Fatal extends Exception {
        private static final long serialVersionUID = 1L;

        Fatal(String message) {
            super(message);
        }
    }

    /** A command prints its own diagnostics; the engine's java.util.logging output would repeat them. */
    static void quietLogging() {
        LogManager.getLogManager().reset();
    }

    /** "open /etc/postrelay/main.cf: No such file or directory", as Postfix words file errors. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return "open " + n.getFile() + ": No such file or directory";
        }
        if (e instanceof AccessDeniedException a) {
            return "open " + a.getFile() + ": Permission denied";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * Replaces a file's content so that a crash leaves either the old or the new file: a temporary
     * file beside it, forced to disk, with the old file's permissions, renamed over it.
     */
    static void replaceAtomically(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp" + ProcessHandle.current().pid());
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(file));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the default permissions will do
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        try (FileChannel directory = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            directory.force(true);                        // the rename itself, durable
        }
    }
}
